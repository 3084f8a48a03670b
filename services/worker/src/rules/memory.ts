import type { RedisClient } from '#shared/redis.js';
import { LSH_BANDS, MINHASH_SIZE, bands, decodeSig, encodeSig, similarity } from './fingerprint.js';
import { createCommandBatch } from './command-batch.js';

/** The repeat rule's question: claim a reader's text for the window. */
export interface ClaimQuery {
  siteId: string;
  authorId: string;
  hash: string;
  commentId: string;
  windowS: number;
}

/** The campaign rule's question: record a text's signature and find the near-identical ones. */
export interface NearDuplicatesQuery {
  siteId: string;
  commentId: string;
  authorId: string;
  sig: Uint32Array;
  atMs: number;
  windowS: number;
  minSimilarity: number;
}

export interface NearDuplicate {
  commentId: string;
  authorId: string;
  inCampaign: boolean;
}

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
  claimText(q: ClaimQuery): Promise<string>;
  /**
   * Records a text's signature and returns the earlier comments within the window whose
   * texts are at least `minSimilarity` alike, with their authors and whether they are already
   * known to be part of a campaign.
   */
  nearDuplicates(q: NearDuplicatesQuery): Promise<NearDuplicate[]>;
  /**
   * Both rules' state of one comment in one script, so one round trip (shared with the other
   * jobs' in a pipeline): the claim first; when it finds an earlier comment (a repeat, rejected
   * before the campaign rule would run) the signature is not recorded and `matches` is null.
   * `first` is null when no claim was asked, `matches` when no near-duplicates were.
   */
  ruleState(q: { claim?: ClaimQuery; nearDuplicates?: NearDuplicatesQuery }): Promise<{
    first: string | null;
    matches: NearDuplicate[] | null;
  }>;
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

/** How many comments of one band the script reads (the oldest in the window). */
export const MAX_CANDIDATES = 500;

/**
 * One script for both rules (ARGV[1], ARGV[2]: whether the claim and the campaign step are
 * asked). The claim (KEYS[1] when asked) is SET NX GET: atomic across workers, and a re-run of
 * the same job finds its own id; another id ends the script ({that id}). The campaign step
 * records this comment's signature and its eight LSH bands (trimmed to the window) and returns
 * every other comment sharing at least ARGV[12] of the bands (`sharedBandsNeeded`) as
 * [id, "author|signature", inCampaign (1 or nil)] triples after the claimant. A band read only in
 * part (the oldest ARGV[9] of the window) may leave out a comment that shares it, so each such
 * band lowers the count asked by one: a comment alike enough that any band's read lists is still
 * found. Their signatures and campaign marks are read with MGET, 500 comments a call. Those keys
 * are derived from the prefixes given; they share the queue prefix's hash tag, so on Redis
 * Cluster they live in the same slot as the declared keys.
 */
const RULE_STATE_LUA = `
local own = ARGV[3]
local out = {''}
local k = 1
if ARGV[1] == '1' then
  local prev = redis.call('SET', KEYS[1], own, 'EX', ARGV[4], 'NX', 'GET')
  if prev and prev ~= own then return {prev} end
  out[1] = own
  k = 2
end
if ARGV[2] ~= '1' then return out end
redis.call('SET', KEYS[k], ARGV[8], 'EX', ARGV[7])
local shared = {}
local ids = {}
local limit = tonumber(ARGV[9])
local truncated = 0
for i = k + 1, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[5], own)
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', ARGV[6])
  local members = redis.call('ZRANGEBYSCORE', KEYS[i], ARGV[6], '+inf', 'LIMIT', 0, limit)
  if #members >= limit then truncated = truncated + 1 end
  for _, id in ipairs(members) do
    if id ~= own then
      local n = (shared[id] or 0) + 1
      shared[id] = n
      if n == 1 then ids[#ids + 1] = id end
    end
  end
  redis.call('EXPIRE', KEYS[i], ARGV[7])
end
local need = math.max(1, tonumber(ARGV[12]) - truncated)
local near = {}
for _, id in ipairs(ids) do
  if shared[id] >= need then near[#near + 1] = id end
end
for from = 1, #near, 500 do
  local to = math.min(from + 499, #near)
  local names = {}
  for j = from, to do
    names[#names + 1] = ARGV[10] .. near[j]
    names[#names + 1] = ARGV[11] .. near[j]
  end
  local values = redis.call('MGET', unpack(names))
  for j = from, to do
    local sig = values[2 * (j - from) + 1]
    if sig then
      out[#out + 1] = near[j]
      out[#out + 1] = sig
      out[#out + 1] = values[2 * (j - from) + 2]
    end
  end
end
return out`;

/**
 * How many of the LSH bands two signatures must share to be `minSimilarity` alike: signatures
 * with at most d unequal positions differ in at most d bands. Asking Redis for those alone gives
 * the same matches as comparing every comment that shares one band, without reading and comparing
 * the many that share one or two by chance (common words and phrases).
 */
export function sharedBandsNeeded(minSimilarity: number): number {
  let same = 0;
  while (same < MINHASH_SIZE && same / MINHASH_SIZE < minSimilarity) same++;
  return Math.max(1, LSH_BANDS - (MINHASH_SIZE - same));
}

type RuleStateScript = (...args: (string | number)[]) => unknown;

/**
 * The Redis-backed memory. The rule-state script and the campaign check after a comment is
 * stored go through one command batch (command-batch.ts): the jobs a worker decides together
 * share a pipeline. `onBatch` reports each pipeline's size.
 */
export function createModerationMemory(
  redis: RedisClient,
  prefix: string,
  opts: { onBatch?: (size: number) => void } = {},
): ModerationMemory {
  // EVALSHA, falling back to EVAL once per connection (ioredis' defined commands, in pipelines too).
  redis.defineCommand('commentsRuleState', { lua: RULE_STATE_LUA });
  const batch = createCommandBatch(redis, opts.onBatch);
  const campaignKey = (siteId: string, id: string) => `${prefix}:mod:camp:${siteId}:${id}`;
  const effectsKey = (siteId: string, id: string) => `${prefix}:mod:effects:${siteId}:${id}`;

  const ruleState: ModerationMemory['ruleState'] = async ({ claim, nearDuplicates: near }) => {
    const commentId = claim?.commentId ?? near?.commentId;
    if (!commentId) return { first: null, matches: null };
    if (claim && near && (claim.commentId !== near.commentId || claim.siteId !== near.siteId))
      throw new Error('rule state is asked for one comment at a time');
    const keys: string[] = [];
    if (claim) keys.push(`${prefix}:mod:repeat:${claim.siteId}:${claim.authorId}:${claim.hash}`);
    const sigPrefix = near ? `${prefix}:mod:sig:${near.siteId}:` : '';
    // The window is the comment's own (a job decided late, after a backlog or a deferral, still
    // meets the campaign it arrived with).
    const since = near ? Math.min(Date.now(), near.atMs) - near.windowS * 1000 : 0;
    if (near)
      keys.push(
        `${sigPrefix}${commentId}`,
        ...bands(near.sig).map((band) => `${prefix}:mod:band:${near.siteId}:${band}`),
      );
    const args = [
      keys.length,
      ...keys,
      claim ? '1' : '0',
      near ? '1' : '0',
      commentId,
      Math.max(1, claim?.windowS ?? 1),
      near?.atMs ?? 0,
      since,
      near?.windowS ?? 0,
      near ? `${near.authorId}|${encodeSig(near.sig)}` : '',
      MAX_CANDIDATES,
      sigPrefix,
      near ? `${prefix}:mod:camp:${near.siteId}:` : '',
      near ? sharedBandsNeeded(near.minSimilarity) : 1,
    ];
    const flat = await batch.send<(string | number | null)[]>((p) =>
      (p as unknown as { commentsRuleState: RuleStateScript }).commentsRuleState(...args),
    );
    const first = claim ? String(flat[0]) : null;
    if (!near || (first !== null && first !== commentId)) return { first, matches: null };
    const matches: NearDuplicate[] = [];
    for (let i = 1; i < flat.length; i += 3) {
      const value = String(flat[i + 1]);
      const bar = value.indexOf('|');
      if (similarity(near.sig, decodeSig(value.slice(bar + 1))) >= near.minSimilarity) {
        matches.push({
          commentId: String(flat[i]),
          authorId: value.slice(0, bar),
          inCampaign: flat[i + 2] !== null,
        });
      }
    }
    return { first, matches };
  };

  return {
    ruleState,

    async claimText(q) {
      return (await ruleState({ claim: q })).first ?? q.commentId;
    },

    async nearDuplicates(q) {
      return (await ruleState({ nearDuplicates: q })).matches ?? [];
    },

    async inCampaign({ siteId, id }) {
      return (await batch.send<number>((p) => p.exists(campaignKey(siteId, id)))) === 1;
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
