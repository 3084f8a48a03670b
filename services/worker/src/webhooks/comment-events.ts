import type { Logger } from '#shared/logger.js';
import type { CommentJob } from '#shared/queues.js';
import type { Decision } from '#shared/domain.js';
import { DECIDED_EVENT, type Events } from '#shared/webhooks/events.js';

/**
 * After a decision is stored: `comment.accepted` then `comment.approved|held|rejected`. Emitted
 * here rather than on the API's POST path, which stays free of webhook work. Event ids come
 * from the comment id, so a job run twice delivers each event once. A failure to emit fails
 * the job: its retry finds the comment stored and emits again (see `alreadyStored`).
 */
export async function emitCommentEvents(
  deps: { events?: Events; logger: Logger },
  c: CommentJob,
  d: Decision,
  o: { decided?: boolean } = {},
): Promise<void> {
  if (!deps.events) return;
  const comment = {
    id: c.commentId,
    postId: c.postId,
    parentId: c.parentId,
    authorId: c.authorId,
    body: c.body,
    createdAt: c.acceptedAt,
  };
  await deps.events.emit({ siteId: c.siteId, type: 'comment.accepted', key: c.commentId, data: { comment } });
  // `decided: false`: a re-run after people changed the comment, whose own events told receivers already.
  if (o.decided === false) return;
  await deps.events.emit({
    siteId: c.siteId,
    type: DECIDED_EVENT[d.status],
    key: c.commentId,
    data: {
      comment: { ...comment, status: d.status },
      decision: { reasons: d.reasons, scores: d.scores, scoredBy: d.scoredBy, settingsVersion: d.settingsVersion },
    },
  });
}

/**
 * After an edit is applied: `comment.edited` with the new text, then the new decision
 * (`comment.approved|held|rejected`). Event ids come from the edit's revision id, so a job run
 * twice delivers each once, and they never collide with the comment's first events.
 */
export async function emitEditEvents(
  deps: { events?: Events; logger: Logger },
  c: CommentJob & { editId: string },
  d: Pick<Decision, 'status' | 'reasons' | 'scores' | 'scoredBy' | 'settingsVersion'>,
): Promise<void> {
  if (!deps.events) return;
  const comment = {
    id: c.commentId,
    postId: c.postId,
    parentId: c.parentId,
    authorId: c.authorId,
    body: c.body,
    editedAt: c.acceptedAt,
  };
  const key = `${c.commentId}:edit:${c.editId}`;
  await deps.events.emit({ siteId: c.siteId, type: 'comment.edited', key, data: { comment } });
  await deps.events.emit({
    siteId: c.siteId,
    type: DECIDED_EVENT[d.status],
    key,
    data: {
      comment: { ...comment, status: d.status },
      decision: { reasons: d.reasons, scores: d.scores, scoredBy: d.scoredBy, settingsVersion: d.settingsVersion },
    },
  });
}
