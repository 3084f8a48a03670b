import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLookups } from '#api/comments/lookups.js';
import { createThreadCache } from '#api/comments/thread-cache.js';
import { subscribeToThreadChanges } from '#api/comments/thread-invalidation.js';
import {
  announceThreadChange,
  createRedis,
  threadAnnouncer,
  threadChannel,
  type RedisClient,
  type ThreadChange,
} from '#shared/redis.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi } from '../support/app.js';
import { waitFor } from '../support/wait-for.js';

// The announcement goes through a real Redis to the subscription every API process runs.
describe('thread change announcement', () => {
  let env: TestEnv;
  let subscriber: RedisClient;
  const heard: ThreadChange[] = [];
  const cache = createThreadCache({ ttlMs: 60_000, maxEntries: 10 });

  before(async () => {
    env = await createTestEnv();
    subscriber = createRedis(env.config.REDIS_URL, () => undefined, { forQueue: true });
    await subscribeToThreadChanges({
      subscriber,
      channel: threadChannel(env.config.QUEUE_PREFIX),
      cache,
      lookups: createLookups(env.db, env.config.LOOKUP_CACHE_TTL_MS),
      logger: env.logger,
      listener: { change: (c) => heard.push(c), resync: () => undefined },
    });
  });
  after(async () => {
    await subscriber.quit();
    await env.close();
  });

  it("when a thread's comments change is announced, then the API's subscription hears that post and drops its cached page", async () => {
    await cache.get('site-a', 'post-1', 'v', async () => 'old');
    await announceThreadChange(env.redis, env.config.QUEUE_PREFIX, { siteId: 'site-a', postId: 'post-1' });
    await waitFor(() => heard.some((c) => c.postId === 'post-1'), { what: 'the announcement' });
    assert.deepEqual(
      heard.find((c) => c.postId === 'post-1'),
      { siteId: 'site-a', postId: 'post-1', post: false },
    );
    assert.equal((await cache.get('site-a', 'post-1', 'v', async () => 'new')).page.body.toString(), 'new');
  });

  it('when a change of the post itself is announced, then the subscription hears it as a post change', async () => {
    await announceThreadChange(env.redis, env.config.QUEUE_PREFIX, { siteId: 'site-a', postId: 'post-2', post: true });
    await waitFor(() => heard.some((c) => c.postId === 'post-2'), { what: 'the announcement' });
    assert.deepEqual(
      heard.find((c) => c.postId === 'post-2'),
      { siteId: 'site-a', postId: 'post-2', post: true },
    );
  });

  it('when another prefix announces a change, then this subscription does not hear it', async () => {
    await announceThreadChange(env.redis, `${env.config.QUEUE_PREFIX}-other`, { siteId: 'site-a', postId: 'post-3' });
    await announceThreadChange(env.redis, env.config.QUEUE_PREFIX, { siteId: 'site-a', postId: 'post-4' });
    await waitFor(() => heard.some((c) => c.postId === 'post-4'), { what: 'the later announcement' });
    assert.equal(
      heard.some((c) => c.postId === 'post-3'),
      false,
    );
  });

  it('when an API process announces its own change, then its own cache has dropped the post’s pages before the announcement is sent', async () => {
    const api = await startTestApi(env);
    try {
      const { threadCache } = api.deps;
      await threadCache.get('site-a', 'post-5', 'v', async () => 'old');
      await threadCache.get('site-a', 'post-6', 'v', async () => 'other post');
      const sent = api.deps.announceThread({ siteId: 'site-a', postId: 'post-5' });
      // Not waiting for the subscription: whoever made the change reads it on their next request.
      assert.equal(threadCache.peek('site-a', 'post-5', 'v'), undefined);
      assert.ok(threadCache.peek('site-a', 'post-6', 'v'), 'other posts keep their pages');
      await sent;
      await waitFor(() => heard.some((c) => c.postId === 'post-5'), { what: 'the announcement to other processes' });
    } finally {
      await api.close();
    }
  });

  it('when Redis cannot take the announcement, then the announcer still resolves and reports the error', async () => {
    const closed = createRedis(env.config.REDIS_URL, () => undefined);
    await closed.quit();
    const errors: unknown[] = [];
    const local: ThreadChange[] = [];
    const announce = threadAnnouncer(closed, env.config.QUEUE_PREFIX, {
      onError: (err) => errors.push(err),
      local: (c) => local.push(c),
    });
    await announce({ siteId: 'site-a', postId: 'post-7', post: true });
    assert.deepEqual(local, [{ siteId: 'site-a', postId: 'post-7', post: true }]);
    assert.equal(errors.length, 1);
  });
});
