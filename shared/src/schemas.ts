import { z } from 'zod';
import { isUuid } from './ids.js';
import { hasControlChars, hasLoneSurrogate, hasVisibleText, normalizeLine, normalizeName } from './text.js';

/** Shared shapes of identifiers as they appear in URLs and bodies. */
export const siteIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'site ids are 1–63 lowercase letters, digits or dashes');
export const postIdSchema = z.string().regex(/^[A-Za-z0-9._~-]{1,200}$/, 'post ids are 1–200 URL-safe characters');
export const uuidSchema = z
  .string()
  .refine(isUuid, 'expected a UUID')
  .transform((s) => s.toLowerCase());
export const emailSchema = z.email().max(254);
export const httpUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine(
    (u) => !hasControlChars(u) && !/\p{Cf}/u.test(u) && !hasLoneSurrogate(u),
    'control or formatting characters are not allowed',
  );
/** A display name as readers see it: one line, 1–80 visible characters. */
export const displayNameSchema = z
  .string()
  .max(1000)
  .transform(normalizeName)
  .refine(hasVisibleText, 'a name with visible characters is required');
/** A one-line title. */
export const titleSchema = z
  .string()
  .max(2000)
  .transform(normalizeLine)
  .pipe(z.string().max(500))
  .refine(hasVisibleText, 'a title is required');
