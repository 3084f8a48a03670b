import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Queue } from 'bullmq';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestTasksWorker, startTestWorker, type TestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, uniq, type BuiltSite } from '../support/builders.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { signInAs } from '../support/staff.js';
import { waitingEdit } from '../support/edits.js';
import { waitFor } from '../support/wait-for.js';
import { commentJobId, commentJobOptions, editJobId, erasedCommentJob, type CommentJob } from '#shared/queues.js';
import { notificationJobId } from '#shared/notifications/queue.js';
import type { RejectAuthorCommentsTask } from '#shared/moderation-tasks.js';

/**
 * An erased reader leaves the job queues as they leave Postgres: no job in `comments`, `notifications` or
 * `moderation-tasks`, in any state, still holds their comments' text, their name, address or id. The API clears what
 * it finds once the erasure committed; the worker clears a job of theirs it takes later.
 */

let env: TestEnv;
let api: TestApi;
let worker: TestWorker | undefined;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
});
after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
});

const ALL_STATES = ['waiting', 'delayed', 'prioritized', 'waiting-children', 'active', 'failed', 'completed'] as const;

/** Every job of the three queues, as the dashboard and `jobs:retry-failed` read them. */
async function everyJob(): Promise<{ queue: string; id: string; state: string; text: string }[]> {
  const queues: Queue[] = [env.queue, api.deps.notifications, api.deps.tasks];
  const out: { queue: string; id: string; state: string; text: string }[] = [];
  for (const queue of queues) {
    for (const state of ALL_STATES) {
      for (const job of await queue.getJobs([state], 0, -1)) {
        const { id, name, data, returnvalue, failedReason, stacktrace, progress } = job;
        out.push({
          queue: queue.name,
          id: id!,
          state,
          text: JSON.stringify({ id, name, data, returnvalue, failedReason, stacktrace, progress }),
        });
      }
    }
  }
  return out;
}

async function leaver(site: BuiltSite) {
  const name = `Philippa ${uniq('Quartermaine')}`;
  const reader = await signInReader(api.app, site, { name });
  const email = `${uniq('philippa')}@example.com`;
  await env.db.query('UPDATE users SET email = $2 WHERE id = $1', [reader.user.id, email]);
  return { ...reader, name, email, marks: [reader.user.id, name, email] };
}

const erase = (site: BuiltSite, admin: { accessToken: string }, userId: string) =>
  request(api.app)
    .delete(`/api/v1/sites/${site.siteId}/readers/${userId}/data`)
    .set('Authorization', `Bearer ${admin.accessToken}`);

const mentioning = async (marks: string[]) =>
  (await everyJob()).filter((j) => marks.some((m) => j.text.includes(m))).map((j) => `${j.queue}/${j.id} (${j.state})`);

describe("an erased reader's jobs", () => {
  it('when a reader with a failed comment job, a completed one, a waiting one, a notification waiting for delivery and a ban task waiting is erased, then no job in any queue holds their text, name, address or id; the ban still rejects their kept comments', {
    timeout: 60_000,
  }, async () => {
    const site = await buildSite(env.db);
    const admin = await signInAs(api.app, env.db, site, 'admin');
    const mod = await signInAs(api.app, env.db, site, 'moderator');
    const reader = await leaver(site);
    const other = await signInReader(api.app, site, { name: 'Replying Reader' });
    const texts = {
      failed: `My comment on a post taken down ${uniq('t')}`,
      kept: `My comment that was published ${uniq('t')}`,
      waiting: `My comment still waiting ${uniq('t')}`,
    };

    // A job that fails for good: its post is deleted before any worker takes it (kept in the failed set).
    const gone = await buildPost(env.db, site.siteId);
    const failedId = await postComment(api.app, {
      siteId: site.siteId,
      postId: gone,
      token: reader.accessToken,
      body: texts.failed,
    });
    await env.db.query('DELETE FROM posts WHERE site_id = $1 AND id = $2', [site.siteId, gone]);
    worker = await startTestWorker(env);
    await waitFor(async () => (await (await env.queue.getJob(commentJobId(failedId)))?.getState()) === 'failed', {
      what: 'the comment job to fail',
    });

    // A published comment (its completed job kept a while), and a reply to it: a notification for them, not delivered
    // (no notifications worker runs).
    const postId = await buildPost(env.db, site.siteId);
    const kept = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: texts.kept,
    });
    assert.equal((await waitForDecision(api.app, kept, reader.accessToken)).status, 'approved');
    const reply = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: other.accessToken,
      body: 'A reply to it.',
      parentId: kept,
    });
    assert.equal((await waitForDecision(api.app, reply, other.accessToken)).status, 'approved');
    const notification = await waitFor(
      async () =>
        (
          await env.db.query<{ id: string }>(`SELECT id FROM notifications WHERE user_id = $1 AND kind = 'reply'`, [
            reader.user.id,
          ])
        ).rows[0],
      { what: 'the reply notification' },
    );
    assert.equal(await api.deps.notifications.getJobState(notificationJobId(notification.id)), 'waiting');

    // A comment still waiting (the worker stopped), and a ban whose task waits for the tasks worker.
    await worker.close();
    worker = undefined;
    const waiting = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: texts.waiting,
    });
    const ban = await request(api.app)
      .post(`/api/v1/sites/${site.siteId}/users/${reader.user.id}/ban`)
      .set('Authorization', `Bearer ${mod.accessToken}`)
      .send({ reason: 'persistent abuse', rejectExisting: true })
      .expect(202);
    const taskId = ban.body.task.id as string;
    assert.equal(await api.deps.tasks.getJobState(taskId), 'waiting');

    const marks = [...reader.marks, ...Object.values(texts)];
    const held = await mentioning(marks);
    for (const [what, id] of [
      ['failed', commentJobId(failedId)],
      ['completed', commentJobId(kept)],
      ['waiting', commentJobId(waiting)],
      ['waiting', taskId],
    ] as const)
      assert.ok(held.includes(`${id.startsWith('comment-') ? 'comments' : 'moderation-tasks'}/${id} (${what})`));

    const res = await erase(site, admin, reader.user.id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.mode, 'anonymize');

    assert.deepEqual(await mentioning(marks), []);
    assert.equal(await env.queue.getJob(commentJobId(failedId)), undefined);
    assert.equal(await env.queue.getJob(commentJobId(waiting)), undefined);
    assert.equal(await api.deps.notifications.getJob(notificationJobId(notification.id)), undefined);
    // Their comments are kept (as "Deleted user") on this site, so the ban still has work to do: its task names them.
    const task = (await api.deps.tasks.getJob(taskId))!;
    assert.equal(task.data.kind, 'reject-author-comments');
    assert.equal(task.data.userId, null);
    assert.deepEqual(task.data.commentIds, [kept]);

    const tasks = await startTestTasksWorker(env);
    try {
      await waitFor(async () => (await api.deps.tasks.getJobState(taskId)) === 'completed', {
        what: 'the ban task to complete',
      });
    } finally {
      await tasks.close();
    }
    const rows = await env.db.query<{ id: string; status: string }>(
      'SELECT id, status FROM comments WHERE id = ANY($1::uuid[]) ORDER BY id',
      [[kept, reply]],
    );
    assert.deepEqual(
      Object.fromEntries(rows.rows.map((r) => [r.id, r.status])),
      { [kept]: 'rejected', [reply]: 'approved' },
      "the ban rejected the erased reader's comment, not the reply to it",
    );
    assert.deepEqual((await api.deps.tasks.getJob(taskId))?.returnvalue, { done: 1, total: 1 });
    assert.deepEqual(await mentioning(marks), []);

    // The moderator who banned them erases their own account later: the ban's task keeps their id, not their name.
    const modName = (
      await env.db.query<{ display_name: string }>('SELECT display_name FROM users WHERE id = $1', [mod.user.id])
    ).rows[0]!.display_name;
    assert.deepEqual(await mentioning([modName]), [`moderation-tasks/${taskId} (completed)`]);
    assert.equal((await erase(site, admin, mod.user.id)).status, 200);
    assert.deepEqual(await mentioning([modName]), []);
    const renamed = (await api.deps.tasks.getJob(taskId))!.data as RejectAuthorCommentsTask;
    assert.deepEqual(renamed.actor, { id: mod.user.id, name: 'Deleted user' });
  });

  it('when a job of theirs reaches the worker after the erasure (a comment or an edit queued as they left, or a job already cleared), then nothing is stored and the job keeps neither their text nor their id', {
    timeout: 60_000,
  }, async () => {
    const site = await buildSite(env.db);
    await env.db.query(`UPDATE sites SET settings = '{"onAccountDeleted": "remove"}' WHERE id = $1`, [site.siteId]);
    const admin = await signInAs(api.app, env.db, site, 'admin');
    const reader = await leaver(site);
    const postId = await buildPost(env.db, site.siteId);
    worker ??= await startTestWorker(env);
    const stored = await postComment(api.app, {
      siteId: site.siteId,
      postId,
      token: reader.accessToken,
      body: 'A comment, stored',
    });
    await waitForDecision(api.app, stored, reader.accessToken);
    const editId = await waitingEdit(env.db, { siteId: site.siteId, commentId: stored, body: 'An edit, waiting' });
    await worker.close();
    worker = undefined;
    assert.equal((await erase(site, admin, reader.user.id)).status, 200);

    // What the API queued while the erasure ran: a new comment and the edit, each with the text and the author.
    const late = randomUUID();
    const base = {
      siteId: site.siteId,
      postId,
      authorId: reader.user.id,
      parentId: null,
      acceptedAt: new Date().toISOString(),
    };
    const jobs: [string, CommentJob][] = [
      [commentJobId(late), { ...base, commentId: late, body: 'A comment queued as they left' }],
      [editJobId(editId), { ...base, commentId: stored, editId, body: 'An edit queued as they left' }],
    ];
    // And one the erasure had cleared while a worker held it, that comes back (a retry).
    const cleared = randomUUID();
    jobs.push([commentJobId(cleared), erasedCommentJob({ ...base, commentId: cleared, body: 'Cleared' })]);
    for (const [jobId, data] of jobs)
      await env.queue.add('moderate', data, { ...commentJobOptions({ attempts: 2 }), jobId });

    worker = await startTestWorker(env);
    for (const [jobId] of jobs)
      await waitFor(async () => (await env.queue.getJob(jobId))?.isCompleted(), { what: `${jobId} to complete` });
    for (const [jobId] of jobs) {
      const job = (await env.queue.getJob(jobId))!;
      assert.deepEqual(job.returnvalue, { status: 'rejected', duplicate: false, erased: true }, jobId);
      assert.equal(job.data.body, '', jobId);
      assert.equal(job.data.authorId, '', jobId);
    }
    assert.equal(
      (await env.db.query('SELECT 1 FROM comments WHERE id = ANY($1::uuid[])', [[late, cleared]])).rowCount,
      0,
    );
    const kept = (await env.db.query<{ body: string }>('SELECT body FROM comments WHERE id = $1', [stored])).rows[0];
    assert.equal(kept?.body, '', 'the edit did not write its text back');
    assert.deepEqual(await mentioning(reader.marks), []);
  });

  it('when jobs of an erased account are left behind (the queues could not be cleared then), then a site admin erasing it again clears them and is answered 404', async () => {
    const site = await buildSite(env.db);
    const admin = await signInAs(api.app, env.db, site, 'admin');
    const reader = await leaver(site);
    assert.equal((await erase(site, admin, reader.user.id)).status, 200);
    // No worker runs: the job stays as it was left.
    await worker?.close();
    worker = undefined;
    const left = randomUUID();
    await env.queue.add(
      'moderate',
      {
        commentId: left,
        siteId: site.siteId,
        postId: 'p',
        authorId: reader.user.id,
        parentId: null,
        body: 'Left behind',
        acceptedAt: new Date().toISOString(),
      },
      { jobId: commentJobId(left) },
    );
    const again = await erase(site, admin, reader.user.id);
    assert.equal(again.status, 404);
    assert.equal(await env.queue.getJob(commentJobId(left)), undefined);
  });
});
