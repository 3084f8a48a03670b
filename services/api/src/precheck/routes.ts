import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { MAX_BODY_LENGTH } from '#shared/contract.js';
import { hasVisibleText, normalizeBody, textLength } from '#shared/text.js';
import type { ApiDeps } from '../deps.js';
import { userOf } from '../auth/guards.js';
import { NotFoundError, ValidationError } from '../http/app-error.js';
import { consume } from '../http/rate-limit.js';
import { parse } from '../http/validate.js';
import { commentBody, commentParams } from '../comments/create-comment.js';
import { commonErrors, notFoundError, rateLimitedError, route } from '../openapi/registry.js';

const checkBody = commentBody.pick({ body: true, parentId: true });
const checkAnswer = z.object({
  mayBeHeld: z.boolean().describe('true: the embedded scorer would hold (or reject) this text as it stands'),
});

export const precheckDocs = [
  route({
    method: 'post',
    path: '/api/v1/sites/:siteId/posts/:postId/comments/check',
    tag: 'Comments',
    auth: 'reader access token',
    summary:
      "Think before you post: whether the site's embedded scorer and thresholds would hold this draft (never a score; nothing stored or queued)",
    params: commentParams,
    body: checkBody.extend({ body: checkBody.shape.body.meta({ maxLength: MAX_BODY_LENGTH }) }),
    responses: {
      200: { description: 'the answer', schema: checkAnswer },
      ...commonErrors,
      ...notFoundError,
      ...rateLimitedError,
    },
  }),
];

/** A reader's draft, checked against the embedded scorer before it is posted. */
export function precheckRoutes(deps: ApiDeps, bearer: RequestHandler): Router {
  const r = Router();
  r.post('/sites/:siteId/posts/:postId/comments/check', bearer, async (req, res) => {
    const { siteId, postId } = parse(commentParams, req.params, 'path');
    const user = userOf(req, siteId);
    const input = parse(checkBody, req.body);
    const body = normalizeBody(input.body);
    if (!hasVisibleText(body)) throw new ValidationError('comment body is empty');
    if (textLength(body) > MAX_BODY_LENGTH)
      throw new ValidationError(`comments are at most ${MAX_BODY_LENGTH} characters`);
    await consume(deps.limiters, deps.limiters.commentCheckUser, `${siteId}:${user.userId}`);
    if (!(await deps.lookups.post(siteId, postId))) throw new NotFoundError('post');
    const mayBeHeld = await deps.holdCheck({
      siteId,
      postId,
      authorId: user.userId,
      parentId: input.parentId ?? null,
      body,
    });
    if (mayBeHeld === null) throw new NotFoundError('post');
    deps.metrics.commentChecks.inc({ result: mayBeHeld ? 'held' : 'clear' });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ mayBeHeld });
  });
  return r;
}
