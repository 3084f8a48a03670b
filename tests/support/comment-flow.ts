import assert from 'node:assert/strict';
import request from 'supertest';
import type { Express } from 'express';
import type { Server } from 'node:http';
import { waitFor } from './wait-for.js';
import type { ThreadComment, ThreadPage } from '#api/comments/thread.js';
import type { CommentStatusView } from '#api/comments/comment-status.js';

/** Small typed wrappers over the comment endpoints, for tests that drive the real API. */

// The wire shapes, as the API declares them, for flows in which no comment with replies is
// removed (so no "comment removed" placeholder appears); tests of removal read ThreadPage.
export type ThreadCommentView = Omit<ThreadComment, 'replies'> & { replies: ThreadCommentView[] };
export type ThreadView = Omit<ThreadPage, 'comments'> & { comments: ThreadCommentView[] };
export type StatusView = CommentStatusView;

type Target = Express | Server | string;

export interface PostCommentInput {
  siteId: string;
  postId: string;
  token: string;
  body: string;
  parentId?: string;
}

/** POST a comment; asserts the 202 and returns the accepted id. */
export async function postComment(app: Target, o: PostCommentInput): Promise<string> {
  const res = await request(app)
    .post(`/api/v1/sites/${o.siteId}/posts/${o.postId}/comments`)
    .set('Authorization', `Bearer ${o.token}`)
    .send(o.parentId ? { body: o.body, parentId: o.parentId } : { body: o.body });
  assert.equal(res.status, 202, `POST comment answered ${res.status}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.status, 'queued');
  assert.equal(typeof res.body.id, 'string');
  return res.body.id as string;
}

export async function getThread(
  app: Target,
  siteId: string,
  postId: string,
  query: Record<string, string | number> = {},
): Promise<ThreadView> {
  const res = await request(app)
    .get(`/api/v1/sites/${siteId}/posts/${postId}/comments`)
    .query({ limit: 100, ...query });
  assert.equal(res.status, 200, `GET thread answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text) as ThreadView;
}

export async function getStatus(app: Target, id: string, token: string): Promise<StatusView> {
  const res = await request(app).get(`/api/v1/comments/${id}`).set('Authorization', `Bearer ${token}`);
  assert.equal(res.status, 200, `GET /comments/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.comment as StatusView;
}

/** Waits until the worker has decided the comment (its status is no longer `queued`). */
export async function waitForDecision(app: Target, id: string, token: string, timeoutMs = 15_000): Promise<StatusView> {
  return waitFor(
    async () => {
      const s = await getStatus(app, id, token);
      return s.status === 'queued' ? null : s;
    },
    { timeoutMs, what: `a decision on comment ${id}` },
  );
}

/** Every comment of a thread page, replies included, flattened. */
export function flatten(comments: ThreadCommentView[]): ThreadCommentView[] {
  return comments.flatMap((c) => [c, ...flatten(c.replies)]);
}

/** Waits until the thread shows every given id (anywhere, replies included); returns that thread. */
export async function waitForVisible(
  app: Target,
  siteId: string,
  postId: string,
  ids: string[],
  timeoutMs = 15_000,
): Promise<ThreadView> {
  return waitFor(
    async () => {
      const thread = await getThread(app, siteId, postId);
      const shown = new Set(flatten(thread.comments).map((c) => c.id));
      return ids.every((id) => shown.has(id)) ? thread : null;
    },
    { timeoutMs, what: `comments ${ids.join(', ')} to be visible in ${siteId}/${postId}` },
  );
}
