import type { RedisClient } from '#shared/redis.js';
import { bands, decodeSig, encodeSig, similarity } from './fingerprint.js';

/**
 * Short-lived moderation memory shared by every worker process, in Redis: which texts a reader
 * posted recently (repeat rule) and which near-identical texts the site received (campaign
 * rule). Keys expire with the site's windows; losing them (a Redis restart) only forgets
 * recent history, it never approves anything the rules would hold for other reasons.
 */
export interface ModerationMemory {
  /**
   * Claims a reader's text for the window. Returns the id of the comment that claimed it first
   * (this one on a first claim, or on a re-run of the same job).
   */
  claimText(q: { siteId: string; authorId: string; hash: string; commentId: string; windowS: number }): Promise<string>;
  /**
   * Records a text's signature and returns the earlier comments within the window whose
   * texts are at least `minSimilarity` alike, with their authors and whether they are already
   * known to be part of a campaign.
   */
  nearDuplicates(q: {
    siteId: string;
    commentId: string;
    authorId: string;
    sig: Uint32Array;
    atMs: number;
    windowS: number;
    minSimilarity: number;
  }): Promise<{ commentId: string; authorId: string; inCampaign: boolean }[]>;
  /** Remembers comments as part of a campaign, so later members do not hold them again. */
  markCampaign(q: { siteId: string; ids: readonly string[]; windowS: number }): Promise<void>;
  /** Whether a later member marked this comment as part of a campaign. */
  inCampaign(q: { siteId: string; id: string }): Promise<boolean>;
  /**
   * Keeps a comment's effects on other rows (encoded) from just before it is stored until they
   * have run, so a run that stops in between leaves them to the job's next run.
   */
  saveEffects(q: { siteId: string; commentId: string; effects: string; windowS: number }): Promise<void>;
  /** The effects kept for a comment, if they have not run yet. */
  pendingEffects(q: { siteId: string; commentId: string }): Promise<string | null>;
  /** Forgets a comment's effects once they have run. */
  clearEffects(q: { siteId: string; commentId: string }): Promise<void>;
}

const MAX_CANDIDATES = 500;

/**
 * One round trip for the campaign rule: record this comment's signature and its eight LSH bands
 * (trimmed to the window), and return every other comment sharing a band as
 * [id, "author|signature", inCampaign (0/1)] triples. Candidates' signature and campaign keys are
 * derived from the prefixes given; they share the queue prefix's hash tag, so on Redis Cluster
 * they live in the same slot as the declared keys.
 */
const NEAR_DUPLICATES_LUA = `
redis.call('SET', KEYS[1], ARGV[5], 'EX', ARGV[3])
local seen, out = {}, {}
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[1], ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', ARGV[2])
  local ids = redis.call('ZRANGEBYSCORE', KEYS[i], ARGV[2], '+inf', 'LIMIT', 0, ARGV[6])
  redis.call('EXPIRE', KEYS[i], ARGV[3])
  for _, id in ipairs(ids) do
    if id ~= ARGV[4] and not seen[id] then
      seen[id] = true
      local sig = redis.call('GET', ARGV[7] .. id)
      if sig then
        out[#out + 1] = id
        out[#out + 1] = sig
        out[#out + 1] = redis.call('EXISTS', ARGV[8] .. id)
      end
    end
  end
end
return out`;

export function createModerationMemory(redis: RedisClient, prefix: string): ModerationMemory {
  // EVALSHA, falling back to EVAL once per connection (ioredis' defined commands).
  redis.defineCommand('commentsNearDuplicates', { lua: NEAR_DUPLICATES_LUA });
  const nearDuplicatesScript = (...args: (string | number)[]) =>
    (
      redis as unknown as { commentsNearDuplicates(...a: (string | number)[]): Promise<(string | number)[]> }
    ).commentsNearDuplicates(...args);
  const campaignKey = (siteId: string, id: string) => `${prefix}:mod:camp:${siteId}:${id}`;
  const effectsKey = (siteId: string, id: string) => `${prefix}:mod:effects:${siteId}:${id}`;
  return {
    async claimText({ siteId, authorId, hash, commentId, windowS }) {
      const key = `${prefix}:mod:repeat:${siteId}:${authorId}:${hash}`;
      // SET NX GET: one round trip, atomic across workers; a re-run of the same job finds its own id.
      const previous = await redis.set(key, commentId, 'EX', Math.max(1, windowS), 'NX', 'GET');
      return previous ?? commentId;
    },

    async nearDuplicates({ siteId, commentId, authorId, sig, atMs, windowS, minSimilarity }) {
      // The window is the comment's own (a job decided late, after a backlog or a deferral, still
      // meets the campaign it arrived with).
      const since = Math.min(Date.now(), atMs) - windowS * 1000;
      const sigPrefix = `${prefix}:mod:sig:${siteId}:`;
      const keys = [`${sigPrefix}${commentId}`, ...bands(sig).map((band) => `${prefix}:mod:band:${siteId}:${band}`)];
      const flat = await nearDuplicatesScript(
        keys.length,
        ...keys,
        atMs,
        since,
        windowS,
        commentId,
        `${authorId}|${encodeSig(sig)}`,
        MAX_CANDIDATES,
        sigPrefix,
        `${prefix}:mod:camp:${siteId}:`,
      );
      const out: { commentId: string; authorId: string; inCampaign: boolean }[] = [];
      for (let i = 0; i < flat.length; i += 3) {
        const value = String(flat[i + 1]);
        const bar = value.indexOf('|');
        if (similarity(sig, decodeSig(value.slice(bar + 1))) >= minSimilarity) {
          out.push({
            commentId: String(flat[i]),
            authorId: value.slice(0, bar),
            inCampaign: Number(flat[i + 2]) === 1,
          });
        }
      }
      return out;
    },

    async inCampaign({ siteId, id }) {
      return (await redis.exists(campaignKey(siteId, id))) === 1;
    },

    async saveEffects({ siteId, commentId, effects, windowS }) {
      await redis.set(effectsKey(siteId, commentId), effects, 'EX', Math.max(60, windowS));
    },

    async pendingEffects({ siteId, commentId }) {
      return redis.get(effectsKey(siteId, commentId));
    },

    async clearEffects({ siteId, commentId }) {
      await redis.del(effectsKey(siteId, commentId));
    },

    async markCampaign({ siteId, ids, windowS }) {
      if (ids.length === 0) return;
      const tx = redis.multi();
      for (const id of ids) tx.set(campaignKey(siteId, id), '1', 'EX', windowS);
      await tx.exec();
    },
  };
}
