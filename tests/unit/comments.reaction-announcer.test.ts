import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReactionAnnouncer } from '#api/comments/reaction-announcer.js';
import { createRedis, decodeThreadChange, threadAnnouncer, threadChannel } from '#shared/redis.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { waitFor } from '../support/wait-for.js';

/** A post's reaction announcements, as several API processes on one Redis make them. */

const redis = createRedis(TEST_REDIS_URL, () => undefined);
const sub = createRedis(TEST_REDIS_URL, () => undefined);
after(async () => {
  await redis.quit();
  await sub.quit();
});

describe('reaction announcements', () => {
  it('when three API processes see many reactions on one post within a window, then the post is announced once at once and once at the end', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const heard: string[] = [];
    await sub.subscribe(threadChannel(prefix));
    sub.on('message', (_c: string, m: string) => {
      const change = decodeThreadChange(m);
      if (change) heard.push(change.postId);
    });
    const processes = [1, 2, 3].map(() =>
      createReactionAnnouncer({
        redis,
        queuePrefix: prefix,
        announce: threadAnnouncer(redis, prefix, { onError: assert.ifError }),
        windowMs: 500,
      }),
    );
    for (let i = 0; i < 12; i++) await processes[i % 3]!({ siteId: 's', postId: 'p' });
    await waitFor(() => heard.length >= 2, { what: 'the announcement at the end of the window' });
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(heard, ['p', 'p']);
  });
});
