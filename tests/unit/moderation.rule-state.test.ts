import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { runPipeline } from '#worker/pipeline/index.js';
import { createModerationMemory } from '#worker/rules/memory.js';
import { bands, minhash } from '#worker/rules/fingerprint.js';
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
});
