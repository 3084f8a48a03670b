import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { runPipeline } from '#worker/pipeline/index.js';
import { MAX_CANDIDATES, createModerationMemory, sharedBandsNeeded } from '#worker/rules/memory.js';
import { LSH_BANDS, MINHASH_SIZE, bands, minhash, similarity } from '#worker/rules/fingerprint.js';
import { MIN_CAMPAIGN_CHARS } from '#worker/pipeline/coordinated.js';
import { createRedis } from '#shared/redis.js';
import type { Scorer } from '#shared/scoring/types.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { closeTestServices, fixedScorer, moderationContext as ctx } from '../support/moderation.js';

/**
 * The repeat and campaign rules' state in Redis, one script per comment, pipelined across the
 * comments decided together: nothing lost, nothing counted twice, and the decisions those rules
 * make in order.
 */

const redis = createRedis(TEST_REDIS_URL, () => undefined);
const prefix = `{rule-state-${randomBytes(4).toString('hex')}}`;
const batches: number[] = [];
const memory = createModerationMemory(redis, prefix, { onBatch: (n) => batches.push(n) });
const services = { memory };

after(closeTestServices);
after(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const newId = () => `0190a000-0000-7000-8000-${randomBytes(6).toString('hex')}`;
const comment = (o: { siteId: string; authorId?: string; body: string }) => ({
  ...ctx('').comment,
  commentId: newId(),
  authorId: o.authorId ?? newId(),
  siteId: o.siteId,
  body: o.body,
});
const sent = () => batches.reduce((a, b) => a + b, 0);
const bandKeys = (siteId: string, body: string) =>
  bands(minhash(body, MIN_CAMPAIGN_CHARS)!).map((b) => `${prefix}:mod:band:${siteId}:${b}`);
const recorded = async (siteId: string, id: string) => (await redis.exists(`${prefix}:mod:sig:${siteId}:${id}`)) === 1;

const ROWS = MINHASH_SIZE / LSH_BANDS;
/** A comment of its own with this signature. */
const someone = (sig: Uint32Array) => ({ commentId: newId(), authorId: newId(), sig });
/** A signature equal to `own` in the bands given and unlike it (and unlike any other `n`) everywhere else. */
const sharing = (own: Uint32Array, bandsShared: readonly number[], n: number) => {
  const sig = Uint32Array.from({ length: MINHASH_SIZE }, (_, i) => 1_000_000 + n * MINHASH_SIZE + i);
  for (const b of bandsShared) sig.set(own.subarray(b * ROWS, b * ROWS + ROWS), b * ROWS);
  return sig;
};
const ask = (siteId: string, atMs: number) => ({ siteId, atMs, windowS: 600 });
/** Records comments' signatures, as their campaign step does (what each finds is not looked at). */
const record = (siteId: string, comments: readonly ReturnType<typeof someone>[], atMs: number) =>
  Promise.all(comments.map((c) => memory.nearDuplicates({ ...ask(siteId, atMs), ...c, minSimilarity: 1 })));

const N = 20;
const TEXT = 'The harbour tender was decided before the council ever saw the other bids, and nobody asks why.';

describe('rule state: one round trip per comment, pipelined', () => {
  it('when N accounts post the same text and are decided together, then each is recorded once and the k-th counts exactly k accounts', async () => {
    const siteId = `site-${newId()}`;
    batches.length = 0;
    const comments = Array.from({ length: N }, () => comment({ siteId, body: TEXT }));
    const decided = await Promise.all(comments.map((c) => runPipeline(ctx('', { comment: c, services }))));

    assert.equal(sent(), N, 'one command per comment: the claim and the campaign step in one script');
    assert.ok(batches.length < N, `shared pipelines (${batches.join(', ')})`);
    for (const key of bandKeys(siteId, TEXT))
      assert.equal(await redis.zcard(key), N, 'every comment in every band once');

    assert.equal(
      decided.filter((d) => d.status === 'approved').length,
      2,
      'the first two accounts are not yet a campaign',
    );
    const counts = decided
      .filter((d) => d.status === 'pending')
      .map((d) => Number(/from (\d+) accounts/.exec(d.reasons.at(-1)!.detail)?.[1]))
      .sort((a, b) => a - b);
    assert.deepEqual(
      counts,
      Array.from({ length: N - 2 }, (_, i) => i + 3),
      'the k-th comment of the campaign counts k accounts, each count once',
    );
  });

  it("when one reader's N identical comments are decided together, then one claims the text, the others are its repeats and are not recorded for the campaign rule", async () => {
    const siteId = `site-${newId()}`;
    const authorId = newId();
    batches.length = 0;
    const comments = Array.from({ length: N }, () => comment({ siteId, authorId, body: TEXT }));
    const decided = await Promise.all(comments.map((c) => runPipeline(ctx('', { comment: c, services }))));

    assert.equal(sent(), N, 'one command per comment, the repeats included');
    const approved = decided.flatMap((d, i) => (d.status === 'approved' ? [comments[i]!.commentId] : []));
    assert.equal(approved.length, 1);
    const repeats = decided.filter((d) => d.status === 'rejected');
    assert.equal(repeats.length, N - 1);
    for (const d of repeats) {
      assert.deepEqual(
        d.reasons.map((r) => r.rule),
        ['repeat'],
        'rejected by the repeat rule alone, nothing from the phases after it',
      );
      assert.match(d.reasons[0]!.detail, new RegExp(`same text as comment ${approved[0]}`));
      assert.deepEqual(d.scores, {}, 'no scores: the decision is the repeat rule');
    }
    for (const c of comments) assert.equal(await recorded(siteId, c.commentId), c.commentId === approved[0]);
    for (const key of bandKeys(siteId, TEXT)) assert.equal(await redis.zcard(key), 1);
  });

  it('when a rule between the two stops the pipeline, then the text is claimed (a repeat of it is rejected) but not recorded for the campaign rule', async () => {
    const siteId = `site-${newId()}`;
    const authorId = newId();
    const settings = { suspectWords: ['tender'] };
    const first = comment({ siteId, authorId, body: TEXT });
    const d = await runPipeline(ctx('', { comment: first, services, settings }));
    assert.deepEqual([d.status, d.reasons.at(-1)?.rule], ['pending', 'suspect_word']);
    assert.equal(await recorded(siteId, first.commentId), false, 'the campaign rule did not run for it');

    const again = await runPipeline(
      ctx('', { comment: comment({ siteId, authorId, body: TEXT }), services, settings }),
    );
    assert.deepEqual(
      [again.status, again.reasons.map((r) => r.rule)],
      ['rejected', ['repeat']],
      'the claim was written all the same',
    );
  });

  it('when a site scores with a remote scorer, then the claim is answered before scoring, so a repeat is never sent out', async () => {
    const siteId = `site-${newId()}`;
    const authorId = newId();
    let requests = 0;
    const remote: Scorer = {
      name: 'perspective',
      score: async () => {
        requests++;
        return { attributes: { TOXICITY: 0.1 }, provider: 'perspective', model: 'fake', latencyMs: 0 };
      },
    };
    const scorers = { embedded: fixedScorer('embedded', { TOXICITY: 0.1 }), perspective: remote };
    const settings = { scorers: ['embedded', 'perspective'] };
    const run = () =>
      runPipeline(ctx('', { comment: comment({ siteId, authorId, body: TEXT }), services, scorers, settings }));
    assert.equal((await run()).status, 'approved');
    const again = await run();
    assert.deepEqual([again.status, again.reasons.map((r) => r.rule)], ['rejected', ['repeat']]);
    assert.equal(requests, 1, 'only the first comment was sent to the remote scorer');
  });

  it('when the same job is decided again (a retry), then it finds its own claim and its own record, not a repeat or a campaign of itself', async () => {
    const siteId = `site-${newId()}`;
    const c = comment({ siteId, body: TEXT });
    const settings = { coordinated: { accounts: 2 } };
    assert.equal((await runPipeline(ctx('', { comment: c, services, settings }))).status, 'approved');
    const again = await runPipeline(ctx('', { comment: c, services, settings }));
    assert.equal(again.status, 'approved', JSON.stringify(again.reasons));
    for (const key of bandKeys(siteId, TEXT)) assert.equal(await redis.zcard(key), 1);
  });
  it('when a comment shares its bands with more comments than one read takes, then each is read once with its author and its campaign mark', async () => {
    const siteId = `site-${newId()}`;
    const own = Uint32Array.from({ length: MINHASH_SIZE }, (_, i) => i + 1);
    // 1,200 earlier comments, each sharing exactly one of the eight bands (and nothing else) with it.
    const earlier = Array.from({ length: 1200 }, (_, j) => someone(sharing(own, [j % LSH_BANDS], j)));
    await record(siteId, earlier, Date.now());
    const marked = new Set(earlier.filter((_, j) => j % 3 === 0).map((e) => e.commentId));
    await memory.markCampaign({ siteId, ids: [...marked], windowS: 600 });

    const asker = someone(own);
    const found = await memory.nearDuplicates({
      ...ask(siteId, Date.now()),
      ...asker,
      minSimilarity: ROWS / MINHASH_SIZE,
    });
    assert.equal(found.length, earlier.length, 'every comment sharing a band, each once');
    const byId = new Map(found.map((f) => [f.commentId, f]));
    for (const e of earlier) {
      assert.equal(byId.get(e.commentId)?.authorId, e.authorId);
      assert.equal(byId.get(e.commentId)?.inCampaign, marked.has(e.commentId));
    }
    const again = await memory.nearDuplicates({ ...ask(siteId, Date.now()), ...someone(own), minSimilarity: 0.5 });
    assert.deepEqual(
      again.map((f) => f.commentId),
      [asker.commentId],
      'at half alike or more, only the identical one',
    );
  });

  it('when comments differ from it in a few positions, then exactly those at least as alike as asked are found, whichever bands the differences fall in', async () => {
    const own = Uint32Array.from({ length: MINHASH_SIZE }, (_, i) => 7 + i * 13);
    // 120 comments with 0 to 11 positions changed, spread over the bands differently each time.
    const earlier = Array.from({ length: 120 }, (_, j) => {
      const sig = own.slice();
      for (let c = 0; c < j % 12; c++) sig[(j * 7 + c * 5 + c * c * 3 * (j % 5)) % MINHASH_SIZE]! += 1_000 + j;
      return someone(sig);
    });
    for (const minSimilarity of [0.75, 0.8, 0.85, 0.9, 0.95]) {
      const siteId = `site-${newId()}`;
      await record(siteId, earlier, Date.now());
      const found = await memory.nearDuplicates({ ...ask(siteId, Date.now()), ...someone(own), minSimilarity });
      const expected = earlier.filter((e) => similarity(e.sig, own) >= minSimilarity).map((e) => e.commentId);
      assert.ok(expected.length > 0 && expected.length < earlier.length, `some alike enough at ${minSimilarity}`);
      assert.deepEqual(new Set(found.map((f) => f.commentId)), new Set(expected), `at ${minSimilarity}`);
    }
  });

  it('when a band holds more comments than one read takes, then a near-identical comment beyond that read is still found through the other bands', async () => {
    const siteId = `site-${newId()}`;
    const own = Uint32Array.from({ length: MINHASH_SIZE }, (_, i) => 11 + i * 17);
    const atMs = Date.now() - 60_000;
    // Older comments that share band 0 only, more than one read of it takes.
    await record(
      siteId,
      Array.from({ length: MAX_CANDIDATES + 100 }, (_, j) => someone(sharing(own, [0], j))),
      atMs,
    );
    // Then one 29 positions of 32 alike (0.9): one position changed in each of bands 1, 2 and 3, so it shares
    // band 0 (beyond the read) and bands 4 to 7: four bands, where 0.9 asks for five.
    const twin = someone(own.slice());
    for (const band of [1, 2, 3]) twin.sig[band * ROWS] = own[band * ROWS]! + 1;
    await record(siteId, [twin], atMs + 1000);

    const found = await memory.nearDuplicates({ ...ask(siteId, atMs + 2000), ...someone(own), minSimilarity: 0.9 });
    assert.deepEqual(
      found.map((f) => f.commentId),
      [twin.commentId],
    );
  });

  it('sharedBandsNeeded: the bands a signature at most d positions apart still shares', () => {
    assert.equal(sharedBandsNeeded(0.5), 1);
    assert.equal(sharedBandsNeeded(0.75), 1);
    assert.equal(sharedBandsNeeded(0.8), 2, '26 of 32 positions equal: at most 6 bands differ');
    assert.equal(sharedBandsNeeded(0.9), 5, '29 of 32: at most 3 bands differ');
    assert.equal(sharedBandsNeeded(1), LSH_BANDS);
  });
});
