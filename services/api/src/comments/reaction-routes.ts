import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parse } from '../http/validate.js';
import { consume } from '../http/rate-limit.js';
import { userOf } from '../auth/guards.js';
import { AppError, ForbiddenError, NotFoundError, UnauthorizedError } from '../http/app-error.js';
import { postIdSchema, siteIdSchema, uuidSchema } from '#shared/schemas.js';
import { canPost, findUser } from '#shared/db/users.js';
import { findSettingsOverrides } from '#shared/db/sites.js';
import { effectiveSettings, REACTION_KINDS } from '#shared/settings.js';
import { readerReactions, setReaction } from '#shared/db/reactions.js';
import { findOwnComment } from '#shared/db/comment-edits.js';
import { createReactionAnnouncer } from './reaction-announcer.js';
import { commonErrors, errorSchema, notFoundError, rateLimitedError, route } from '../openapi/registry.js';

const params = z.object({ id: uuidSchema });
const reactionBody = z.strictObject({ kind: z.enum(REACTION_KINDS) });
const answer = z.object({
  comment: z.object({
    id: z.uuid(),
    reactions: z.record(z.string(), z.number().int()),
    mine: z.enum(REACTION_KINDS).nullable(),
  }),
});

/** Readers react to comments: one reaction per reader per comment, of the kinds the site offers. */
export const reactionDocs = [
  route({
    method: 'put',
    path: '/api/v1/comments/:id/reaction',
    tag: 'Comments',
    auth: 'reader access token',
    summary: "Give (or change) one's reaction to a comment",
    params,
    body: reactionBody,
    responses: {
      200: { description: 'the comment’s reactions now', schema: answer },
      ...commonErrors,
      403: { description: '`user_banned`, `own_comment`', schema: errorSchema },
      422: { description: '`reaction_not_offered`: the site does not offer this kind', schema: errorSchema },
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/comments/:id/reaction',
    tag: 'Comments',
    auth: 'reader access token',
    summary: "Take back one's reaction to a comment",
    params,
    responses: {
      200: { description: 'the comment’s reactions now', schema: answer },
      ...commonErrors,
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/sites/:siteId/posts/:postId/reactions/mine',
    tag: 'Comments',
    auth: 'reader access token',
    summary: "The signed-in reader's reactions on a post's comments",
    params: z.object({ siteId: siteIdSchema, postId: postIdSchema }),
    responses: {
      200: {
        description: 'comment id → kind',
        schema: z.object({ reactions: z.record(z.string(), z.enum(REACTION_KINDS)) }),
      },
      ...commonErrors,
    },
  }),
];

export function reactionRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  const announceReactions = createReactionAnnouncer({
    redis: deps.redis,
    queuePrefix: deps.config.QUEUE_PREFIX,
    announce: deps.announceThread,
  });

  const react = async (req: Parameters<RequestHandler>[0], kind: string | null) => {
    const { id } = parse(params, req.params, 'path');
    const p = req.principal;
    if (p?.kind !== 'user') throw new UnauthorizedError("a reader's access token is required");
    await consume(deps.limiters, deps.limiters.reactionUser, `${p.siteId}:${p.userId}`);
    const reader = await findUser(deps.db, p.siteId, p.userId);
    if (!reader || !canPost(reader)) throw new ForbiddenError('user_banned', 'this account may not react');
    // As for comments: throwaway accounts with made-up addresses do not move counts or the "most reacted" order.
    if (kind !== null && !reader.emailVerified)
      throw new ForbiddenError('email_unverified', 'confirm your email address (follow the link sent to it) to react');
    if (kind !== null) {
      const offered = effectiveSettings((await findSettingsOverrides(deps.db, p.siteId))?.overrides).reactions;
      if (!offered.includes(kind as (typeof REACTION_KINDS)[number]))
        throw new AppError('reaction_not_offered', 422, `this site offers: ${offered.join(', ') || 'no reactions'}`);
    }
    const target = await findOwnComment(deps.db, id);
    if (!target || target.siteId !== p.siteId) throw new NotFoundError('comment');
    if (kind !== null && target.authorId === p.userId)
      throw new ForbiddenError('own_comment', 'readers cannot react to their own comments');
    const result = await setReaction(deps.db, { siteId: p.siteId, commentId: id, userId: p.userId, kind });
    if (!result) throw new NotFoundError('comment');
    await announceReactions({ siteId: p.siteId, postId: result.postId });
    return { comment: { id, reactions: result.reactions, mine: result.mine } };
  };

  r.put('/comments/:id/reaction', bearer, async (req, res) => {
    const { kind } = parse(reactionBody, req.body);
    res.json(await react(req, kind));
  });
  r.delete('/comments/:id/reaction', bearer, async (req, res) => {
    res.json(await react(req, null));
  });

  r.get('/sites/:siteId/posts/:postId/reactions/mine', bearer, async (req, res) => {
    const { siteId, postId } = parse(z.object({ siteId: siteIdSchema, postId: postIdSchema }), req.params, 'path');
    const user = userOf(req, siteId);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json({ reactions: await readerReactions(deps.db, { siteId, postId, userId: user.userId }) });
  });

  return r;
}
