import type { Redis } from 'ioredis';
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
    siteId: string; commentId: string; authorId: string; sig: Uint32Array; atMs: number; windowS: number; minSimilarity: number;
  }): Promise<{ commentId: string; authorId: string; inCampaign: boolean }[]>;
  /** Remembers comments as part of a campaign, so later members do not hold them again. */
  markCampaign(q: { siteId: string; ids: string[]; windowS: number }): Promise<void>;
}

const MAX_CANDIDATES = 500;

export function createModerationMemory(redis: Redis, prefix: string): ModerationMemory {
  const campaignKey = (siteId: string, id: string) => `${prefix}:mod:camp:${siteId}:${id}`;
  return {
    async claimText({ siteId, authorId, hash, commentId, windowS }) {
      const key = `${prefix}:mod:repeat:${siteId}:${authorId}:${hash}`;
      // SET NX GET: one round trip, atomic across workers; a re-run of the same job finds its own id.
      const previous = await redis.set(key, commentId, 'EX', Math.max(1, windowS), 'NX', 'GET');
      return previous ?? commentId;
    },

    async nearDuplicates({ siteId, commentId, authorId, sig, atMs, windowS, minSimilarity }) {
      const since = Date.now() - windowS * 1000;
      const sigKey = (id: string) => `${prefix}:mod:sig:${siteId}:${id}`;
      const tx = redis.multi();
      tx.set(sigKey(commentId), `${authorId}|${encodeSig(sig)}`, 'EX', windowS);
      for (const band of bands(sig)) {
        const key = `${prefix}:mod:band:${siteId}:${band}`;
        tx.zadd(key, atMs, commentId);
        tx.zremrangebyscore(key, '-inf', since);
        tx.zrangebyscore(key, since, '+inf', 'LIMIT', 0, MAX_CANDIDATES);
        tx.expire(key, windowS);
      }
      const replies = (await tx.exec()) ?? [];
      const candidates = new Set<string>();
      for (let i = 3; i < replies.length; i += 4) {
        const [err, ids] = replies[i]!;
        if (err) throw err;
        for (const id of ids as string[]) if (id !== commentId) candidates.add(id);
      }
      if (candidates.size === 0) return [];
      const ids = [...candidates];
      const stored = await redis.mget([...ids.map(sigKey), ...ids.map((id) => campaignKey(siteId, id))]);
      const out: { commentId: string; authorId: string; inCampaign: boolean }[] = [];
      ids.forEach((commentId, i) => {
        const value = stored[i];
        if (!value) return;
        const bar = value.indexOf('|');
        if (similarity(sig, decodeSig(value.slice(bar + 1))) >= minSimilarity) {
          out.push({ commentId, authorId: value.slice(0, bar), inCampaign: stored[ids.length + i] !== null });
        }
      });
      return out;
    },

    async markCampaign({ siteId, ids, windowS }) {
      if (ids.length === 0) return;
      const tx = redis.multi();
      for (const id of ids) tx.set(campaignKey(siteId, id), '1', 'EX', windowS);
      await tx.exec();
    },
  };
}
