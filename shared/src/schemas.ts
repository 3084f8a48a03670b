import { z } from 'zod';

/** Shared shapes of identifiers as they appear in URLs and bodies. */
export const siteIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'site ids are 1–63 lowercase letters, digits or dashes');
export const postIdSchema = z.string().regex(/^[A-Za-z0-9._~-]{1,200}$/, 'post ids are 1–200 URL-safe characters');
export const uuidSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a UUID')
  .transform((s) => s.toLowerCase());
export const emailSchema = z.email().max(254);
export const httpUrlSchema = z.url({ protocol: /^https?$/ }).max(2000);
