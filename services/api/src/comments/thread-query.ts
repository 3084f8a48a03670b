import { z } from 'zod';
import { isUuid } from '#shared/ids.js';
import { postIdSchema, siteIdSchema } from '#shared/schemas.js';
import { cursorPosition, decodeCursor } from './thread.js';

export const threadParams = z.object({ siteId: siteIdSchema, postId: postIdSchema });
export const threadQuery = z.object({
  sort: z.enum(['newest', 'oldest', 'reacted']).default('newest'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .max(64)
    .optional()
    .transform((c) => (c === undefined || c === '' ? null : decodeCursor(c)))
    .refine((c) => c === null || isUuid(cursorPosition(c).id), 'invalid cursor'),
});

/** A replies page's query: its cursor is a reply's id alone (replies have no "most reacted" order). */
export const repliesQuery = threadQuery
  .omit({ sort: true })
  .refine((q) => q.cursor === null || isUuid(q.cursor), { path: ['cursor'], message: 'invalid cursor' });
