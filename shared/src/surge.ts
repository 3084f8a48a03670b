import type { Pool, Queryable } from './db/pool.js';
import { withTransaction } from './db/pool.js';
import { insertAudit, type Actor } from './db/audit.js';
import type { RedisClient } from './redis.js';
import type { Events } from './webhooks/events.js';
import type { SiteSettings } from './settings.js';

/** What a post in a surge does to new comments: hold them all, or let each reader post once per interval. */
export type SurgeMode = SiteSettings['surge']['mode'];

export interface SurgeDeps {
  db: Pool;
  redis: RedisClient;
  queuePrefix: string;
  events?: Events;
}

/** Redis keys of a post's surge state; the queue prefix is a hash tag, so all live in one cluster slot. */
export const surgeKeys = (prefix: string, siteId: string, postId: string) => {
  const post = `${siteId}:${postId.length}:${postId}`;
  return {
    /** Comments decided and flagged in the current window (expires with it). */
    window: `${prefix}:surge:window:${post}`,
    /** During a surge: comments decided and flagged since it began or since the last calm check. */
    calm: `${prefix}:surge:calm:${post}`,
    /** During slow mode: the interval in milliseconds. */
    slowInterval: `${prefix}:surge:slow:${post}`,
    /** During slow mode: a reader's last comment on the post (expires after the interval). */
    slowReader: (userId: string) => `${prefix}:surge:slow:${post}:${userId}`,
  };
};

/**
 * Switches a post into a surge, once: the row changes only from no surge, and the audit entry
 * and the `post.surge_started` event (its id from the post and the start time) go with it.
 */
export async function startSurge(
  deps: SurgeDeps,
  s: { siteId: string; postId: string; mode: SurgeMode; slowSeconds: number; why: string },
): Promise<boolean> {
  const keys = surgeKeys(deps.queuePrefix, s.siteId, s.postId);
  // The interval first: a post in slow mode always finds it (a leftover from a lost start is harmless).
  if (s.mode === 'slow') await deps.redis.set(keys.slowInterval, String(s.slowSeconds * 1000));
  const since = await withTransaction(deps.db, async (tx) => {
    const res = await tx.query<{ since: string }>(
      `UPDATE posts SET surge_mode = $3, surge_since = now()
        WHERE site_id = $1 AND id = $2 AND surge_mode IS NULL RETURNING surge_since::text AS since`,
      [s.siteId, s.postId, s.mode],
    );
    const row = res.rows[0];
    if (!row) return null;
    await insertAudit(tx, {
      siteId: s.siteId,
      actor: { id: null, name: 'surge protection' },
      action: 'post.surge_start',
      before: { postId: s.postId, surgeMode: null },
      after: { postId: s.postId, surgeMode: s.mode },
      reason: s.why,
    });
    return row.since;
  });
  if (!since) return false;
  await deps.redis.del(keys.window, keys.calm);
  await deps.events?.emit({
    siteId: s.siteId,
    type: 'post.surge_started',
    key: `${s.postId}\n${since}`,
    data: {
      post: { id: s.postId },
      mode: s.mode,
      ...(s.mode === 'slow' ? { slowSeconds: s.slowSeconds } : {}),
      reason: s.why,
    },
  });
  return true;
}

/**
 * Ends a post's surge (calm returned, or a moderator ended it), once: audited, `post.surge_ended`
 * sent, the slow mode's state dropped. False when the post was in no surge.
 */
export async function endSurge(
  deps: SurgeDeps,
  s: { siteId: string; postId: string; actor: Actor; why: string },
): Promise<boolean> {
  const ended = await withTransaction(deps.db, async (tx) => {
    const res = await tx.query<{ mode: SurgeMode; since: string }>(
      `UPDATE posts p SET surge_mode = NULL, surge_since = NULL
         FROM (SELECT surge_mode, surge_since FROM posts WHERE site_id = $1 AND id = $2 FOR UPDATE) old
        WHERE p.site_id = $1 AND p.id = $2 AND old.surge_mode IS NOT NULL
        RETURNING old.surge_mode AS mode, old.surge_since::text AS since`,
      [s.siteId, s.postId],
    );
    const row = res.rows[0];
    if (!row) return null;
    await insertAudit(tx, {
      siteId: s.siteId,
      actor: s.actor,
      action: 'post.surge_end',
      before: { postId: s.postId, surgeMode: row.mode },
      after: { postId: s.postId, surgeMode: null },
      reason: s.why,
    });
    return row;
  });
  if (!ended) return false;
  const keys = surgeKeys(deps.queuePrefix, s.siteId, s.postId);
  await deps.redis.del(keys.calm, keys.slowInterval, keys.window);
  await deps.events?.emit({
    siteId: s.siteId,
    type: 'post.surge_ended',
    key: `${s.postId}\n${ended.since}`,
    data: {
      post: { id: s.postId },
      mode: ended.mode,
      by: s.actor.id ? { kind: 'moderator', id: s.actor.id } : { kind: 'service' },
      reason: s.why,
    },
  });
  return true;
}

/** A post in a surge now. */
export interface PostSurge {
  postId: string;
  title: string;
  url: string;
  mode: SurgeMode;
  since: Date;
}

/** The site's posts in a surge, the latest first (at most 100). */
export async function listSurges(db: Queryable, siteId: string): Promise<PostSurge[]> {
  const res = await db.query<{ id: string; title: string; url: string; mode: SurgeMode; since: Date }>(
    `SELECT id, title, url, surge_mode AS mode, surge_since AS since FROM posts
      WHERE site_id = $1 AND surge_mode IS NOT NULL ORDER BY surge_since DESC LIMIT 100`,
    [siteId],
  );
  return res.rows.map((r) => ({ postId: r.id, title: r.title, url: r.url, mode: r.mode, since: r.since }));
}

/** Counts a reader's report towards the post's surge window (the API's report path; one round trip). */
export async function countSurgeReport(
  redis: RedisClient,
  prefix: string,
  p: { siteId: string; postId: string; windowSeconds: number },
): Promise<void> {
  const key = surgeKeys(prefix, p.siteId, p.postId).window;
  await redis
    .multi()
    .hincrby(key, 'f', 1)
    .pexpire(key, p.windowSeconds * 1000, 'NX')
    .exec();
}

// A reader's slow-mode turn: the interval from the post's key; the reader's key set only when free.
const SLOW_TURN = `
local ms = redis.call('GET', KEYS[1])
if not ms then return -1 end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ms) then return -1 end
return redis.call('PTTL', KEYS[2])`;

/**
 * Takes a reader's turn on a post in slow mode: -1 when they may post now (the turn is taken),
 * else the milliseconds until they may. One Redis call, only for posts in slow mode.
 */
export async function takeSlowTurn(
  redis: RedisClient,
  prefix: string,
  p: { siteId: string; postId: string; userId: string },
): Promise<number> {
  const keys = surgeKeys(prefix, p.siteId, p.postId);
  return Number(await redis.eval(SLOW_TURN, 2, keys.slowInterval, keys.slowReader(p.userId)));
}
