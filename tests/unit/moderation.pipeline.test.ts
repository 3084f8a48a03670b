import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { runPipeline } from '#worker/pipeline/index.js';
import { emptyState, mergePhaseResult } from '#worker/pipeline/merge.js';
import type { ModerationContext, ModerationInput, Phase } from '#worker/pipeline/types.js';
import { loadModel } from '#shared/scoring/model/index.js';
import { ScorerError, type Scorer } from '#shared/scoring/types.js';
import { createEmbeddedScorer } from '#shared/scoring/embedded.js';
import {
  closeTestServices,
  fixedScorer,
  moderationContext as ctx,
  testAuthor as author,
  testServices,
} from '../support/moderation.js';

after(closeTestServices);

const embeddedOnly = (attributes: Record<string, number>) => ({ embedded: fixedScorer('embedded', attributes) });

describe('moderation pipeline', () => {
  it('when nothing objects, then the comment is approved with its scores and the scorer that ran', async () => {
    const d = await runPipeline(ctx('A thoughtful comment.'));
    assert.equal(d.status, 'approved');
    assert.deepEqual(d.reasons, []);
    // The trained model's calibrated probability: low, never exactly 0.
    assert.ok(d.scores.TOXICITY! < 0.2, String(d.scores.TOXICITY));
    assert.equal(d.scores['embedded.TOXICITY'], d.scores.TOXICITY);
    assert.equal(d.scores['embedded.PROFANITY'], 0, 'the lexicon found nothing');
    assert.deepEqual(
      d.scoredBy.map((s) => s.model),
      [loadModel().version],
    );
    assert.equal(d.settingsVersion, 1);
  });
  it('when toxicity reaches the hold threshold, then pending; severe toxicity at the reject threshold, then rejected', async () => {
    assert.equal((await runPipeline(ctx('x', { scorers: embeddedOnly({ TOXICITY: 0.69 }) }))).status, 'approved');
    const held = await runPipeline(ctx('x', { scorers: embeddedOnly({ TOXICITY: 0.7 }) }));
    assert.equal(held.status, 'pending');
    assert.deepEqual(
      held.reasons.map((r) => [r.rule, r.attribute, r.score]),
      [['toxicity', 'TOXICITY', 0.7]],
    );
    const rejected = await runPipeline(ctx('x', { scorers: embeddedOnly({ SEVERE_TOXICITY: 0.95 }) }));
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.reasons[0]?.attribute, 'SEVERE_TOXICITY');
  });
  it('when a site sets thresholds on other attributes, then they apply', async () => {
    // The default TOXICITY hold stays unless set to 1 (a merge patch: null restores the default).
    const settings = { thresholds: { hold: { INSULT: 0.3, TOXICITY: 1 }, reject: { THREAT: 0.5 } } };
    assert.equal((await runPipeline(ctx('x', { settings, scorers: embeddedOnly({ INSULT: 0.3 }) }))).status, 'pending');
    assert.equal(
      (await runPipeline(ctx('x', { settings, scorers: embeddedOnly({ TOXICITY: 0.99 }) }))).status,
      'approved',
    );
    assert.equal(
      (await runPipeline(ctx('x', { settings, scorers: embeddedOnly({ THREAT: 0.5 }) }))).status,
      'rejected',
    );
  });
  it('when a chosen remote scorer fails and the policy is hold, then pending with scorer_unavailable, never approved', async () => {
    const broken: Scorer = {
      name: 'perspective',
      score: async () => {
        throw new Error('timeout');
      },
    };
    const d = await runPipeline(
      ctx('A fine comment', {
        settings: { scorers: ['embedded', 'perspective'] },
        scorers: { ...embeddedOnly({ TOXICITY: 0 }), perspective: broken },
      }),
    );
    assert.equal(d.status, 'pending');
    assert.equal(d.reasons[0]?.rule, 'scorer_unavailable');
    assert.match(d.reasons[0]!.detail, /perspective/);
  });
  it('when a chosen remote scorer is not configured on the service, then the comment is held, not approved', async () => {
    const d = await runPipeline(ctx('A fine comment', { settings: { scorers: ['openai'] } }));
    assert.equal(d.status, 'pending');
    assert.match(d.reasons[0]!.detail, /not configured/);
  });
  it('when a remote scorer fails and the policy is embedded, then the embedded scorer decides and the reasons say so', async () => {
    const broken: Scorer = {
      name: 'perspective',
      score: async () => {
        throw new ScorerError('unavailable', 'perspective', 'HTTP 503');
      },
    };
    const settings = { scorers: ['perspective'], onScorerUnavailable: 'embedded' };
    const ok = await runPipeline(
      ctx('A fine comment', { settings, scorers: { ...embeddedOnly({ TOXICITY: 0.1 }), perspective: broken } }),
    );
    assert.equal(ok.status, 'approved');
    assert.equal(ok.reasons[0]?.rule, 'scorer_fallback');
    assert.deepEqual(
      ok.scoredBy.map((s) => s.fallbackFor),
      ['perspective'],
    );
    const bad = await runPipeline(
      ctx('x', { settings, scorers: { ...embeddedOnly({ TOXICITY: 0.9 }), perspective: broken } }),
    );
    assert.equal(bad.status, 'pending');
  });
  it('when the embedded scorer itself fails, then nothing stands in for it: the comment is held as unscored whatever the policy', async () => {
    const failing: Scorer = {
      name: 'embedded',
      score: async () => {
        throw new Error('weights could not be read');
      },
    };
    for (const onScorerUnavailable of ['embedded', 'hold']) {
      const d = await runPipeline(
        ctx('A fine comment', {
          settings: { scorers: ['embedded'], onScorerUnavailable },
          scorers: { embedded: failing },
        }),
      );
      assert.equal(d.status, 'pending', onScorerUnavailable);
      assert.deepEqual(
        d.reasons.map((r) => r.rule),
        ['scorer_unavailable'],
        onScorerUnavailable,
      );
    }
  });
  it('when the provider refuses the text (unsupported language), then the embedded scorer stands in even under policy hold', async () => {
    const refusing: Scorer = {
      name: 'perspective',
      score: async () => {
        throw new ScorerError('unsupported', 'perspective', 'language not supported');
      },
    };
    const d = await runPipeline(
      ctx('Un commentaire poli.', {
        settings: { scorers: ['perspective'] },
        scorers: { ...embeddedOnly({ TOXICITY: 0 }), perspective: refusing },
      }),
    );
    assert.equal(d.status, 'approved');
    assert.equal(d.reasons[0]?.rule, 'scorer_fallback');
  });
  it('when no scorer can read the comment (the embedded scorer reads English), then it is held naming the language, its scores kept', async () => {
    const german = 'Die Ausländer sind alle Schmarotzer und gehören sofort abgeschoben, raus mit denen.';
    const d = await runPipeline(ctx(german));
    assert.equal(d.status, 'pending');
    assert.deepEqual(
      d.reasons.map((r) => [r.rule, r.detail]),
      [['scorer_unavailable', 'embedded could not score: it reads English, and this comment reads as German']],
    );
    assert.equal(typeof d.scores.TOXICITY, 'number', 'what it scored is kept');
    assert.equal(
      (await runPipeline(ctx('The council finally approved the new cycle lane on the high street.'))).status,
      'approved',
    );
  });
  it("when a site declares its comments' languages without English, then the embedded scorer reads none of them; with English, each is checked", async () => {
    const english = 'The council finally approved the new cycle lane on the high street.';
    const german = await runPipeline(ctx(english, { settings: { languages: ['de', 'fr-CH'] } }));
    assert.equal(german.status, 'pending');
    assert.deepEqual(
      german.reasons.map((r) => r.detail),
      ["embedded could not score: it reads English, and this site's comments are in German, Swiss French"],
    );
    assert.equal((await runPipeline(ctx(english, { settings: { languages: ['de', 'en-GB'] } }))).status, 'approved');
    const mixed = await runPipeline(
      ctx('Die Ausländer sind alle Schmarotzer und gehören sofort abgeschoben, raus mit denen.', {
        settings: { languages: ['de', 'en-GB'] },
      }),
    );
    assert.equal(mixed.status, 'pending');
  });
  it('when another scorer read a comment the embedded scorer cannot, then it decides as usual; when that scorer refused it, then held', async () => {
    const french = 'Le conseil municipal a enfin voté la nouvelle piste cyclable de la grande rue, bravo à eux.';
    const read = await runPipeline(
      ctx(french, {
        settings: { scorers: ['embedded', 'perspective'] },
        scorers: { embedded: createEmbeddedScorer(), perspective: fixedScorer('perspective', { TOXICITY: 0.05 }) },
      }),
    );
    assert.equal(read.status, 'approved');
    const refusing: Scorer = {
      name: 'perspective',
      score: async () => {
        throw new ScorerError('unsupported', 'perspective', 'language not supported');
      },
    };
    const refused = await runPipeline(
      ctx(french, {
        settings: { scorers: ['perspective'] },
        scorers: { embedded: createEmbeddedScorer(), perspective: refusing },
      }),
    );
    assert.equal(refused.status, 'pending');
    assert.deepEqual(
      refused.reasons.map((r) => r.rule),
      ['scorer_fallback', 'scorer_unavailable'],
    );
    assert.match(refused.reasons[1]!.detail!, /reads as French$/);
  });
  it('when a remote scorer is rate limited and the job may still wait, then the error reaches the processor to defer the job', async () => {
    const limited: Scorer = {
      name: 'openai',
      score: async () => {
        throw new ScorerError('rate_limited', 'openai', 'no slot', 900);
      },
    };
    await assert.rejects(
      runPipeline(
        ctx('x', {
          canDefer: true,
          settings: { scorers: ['openai'] },
          scorers: { ...embeddedOnly({}), openai: limited },
        }),
      ),
      (e: ScorerError) => e.kind === 'rate_limited' && e.retryAfterMs === 900,
    );
    const late = await runPipeline(
      ctx('x', {
        canDefer: false,
        settings: { scorers: ['openai'] },
        scorers: { ...embeddedOnly({}), openai: limited },
      }),
    );
    assert.equal(late.status, 'pending');
    assert.equal(late.reasons[0]?.rule, 'scorer_unavailable');
  });
  it('when the author is banned, then rejected before any scorer runs', async () => {
    let called = false;
    const spy: Scorer = {
      name: 'embedded',
      score: async () => {
        called = true;
        return { attributes: {}, provider: 't', model: 't', latencyMs: 0 };
      },
    };
    const d = await runPipeline(ctx('hi', { author: { ...author, status: 'banned' }, scorers: { embedded: spy } }));
    assert.equal(d.status, 'rejected');
    assert.equal(d.reasons[0]?.rule, 'author_banned');
    assert.equal(called, false);
  });
  it("when a reply's parent is no longer approved, then the reply is held with parent_unavailable", async () => {
    const reply = (parentStatus: 'approved' | 'rejected' | null) =>
      runPipeline(
        ctx('a reply', {
          parentStatus,
          comment: { ...ctx('a reply').comment, parentId: '0190a000-0000-7000-8000-0000000000a1' },
        }),
      );
    assert.equal((await reply('approved')).status, 'approved');
    const held = await reply('rejected');
    assert.equal(held.status, 'pending');
    assert.equal(held.reasons[0]?.rule, 'parent_unavailable');
    assert.equal((await reply(null)).status, 'pending');
  });
  it('when the body is longer than the site allows, then rejected as too_long', async () => {
    const d = await runPipeline(ctx('x'.repeat(101), { settings: { maxBodyLength: 100 } }));
    assert.equal(d.status, 'rejected');
    assert.equal(d.reasons[0]?.rule, 'too_long');
  });
  it('when staff write a borderline comment, then it is not held; when it crosses a reject threshold, then still rejected', async () => {
    const mod = { ...author, role: 'moderator' as const };
    const held = await runPipeline(ctx('x', { author: mod, scorers: embeddedOnly({ TOXICITY: 0.9 }) }));
    assert.equal(held.status, 'approved');
    assert.equal(held.reasons.at(-1)?.rule, 'staff');
    assert.equal(
      (await runPipeline(ctx('x', { author: mod, scorers: embeddedOnly({ SEVERE_TOXICITY: 0.99 }) }))).status,
      'rejected',
    );
  });
  it('when staff write while a chosen scorer is down, then the comment is approved and the decision says it was not scored', async () => {
    const broken: Scorer = {
      name: 'perspective',
      score: async () => {
        throw new Error('timeout');
      },
    };
    const d = await runPipeline(
      ctx('x', {
        author: { ...author, role: 'admin' },
        settings: { scorers: ['perspective'] },
        scorers: { ...embeddedOnly({}), perspective: broken },
      }),
    );
    assert.equal(d.status, 'approved');
    assert.deepEqual(
      d.reasons.map((r) => r.rule),
      ['scorer_unavailable', 'staff'],
    );
  });
  it('when a reader has a long clean record, then a borderline score does not hold; with a recent rejection it does', async () => {
    const trusted = { ...author, approvedCount: 50 };
    const d = await runPipeline(ctx('x', { author: trusted, scorers: embeddedOnly({ TOXICITY: 0.85 }) }));
    assert.equal(d.status, 'approved');
    assert.equal(d.reasons[0]?.rule, 'trusted_reader');
    const recent = await runPipeline(
      ctx('x', { author: trusted, history: { total: 10, rejected: 1 }, scorers: embeddedOnly({ TOXICITY: 0.85 }) }),
    );
    assert.equal(recent.status, 'pending');
  });
});

/** Freezes an object and everything it holds, so any write by a phase throws (modules run in strict mode). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('moderation pipeline: the phase contract', () => {
  it('when results are merged, then the first final status wins, reasons and lists accumulate in order and scores merge by key', () => {
    const first = mergePhaseResult(emptyState(), {
      scores: { TOXICITY: 0.2, 'a.TOXICITY': 0.2 },
      reasons: [{ rule: 'scorer_fallback', detail: 'one' }],
      scoredBy: [{ provider: 'a', model: 'm', latencyMs: 1 }],
    });
    const second = mergePhaseResult(first, {
      status: 'pending',
      scores: { TOXICITY: 0.4 },
      reasons: [{ rule: 'links', detail: 'two' }],
      effects: [{ kind: 'recheck_campaign', siteId: 's' }],
    });
    const third = mergePhaseResult(second, { status: 'rejected', reasons: [{ rule: 'repeat', detail: 'three' }] });
    assert.equal(third.status, 'pending');
    assert.deepEqual(
      third.reasons.map((r) => r.detail),
      ['one', 'two', 'three'],
    );
    assert.deepEqual(third.scores, { TOXICITY: 0.4, 'a.TOXICITY': 0.2 });
    assert.equal(third.scoredBy.length, 1);
    assert.deepEqual(third.effects, [{ kind: 'recheck_campaign', siteId: 's' }]);
    assert.deepEqual(first.reasons.length, 1, 'merging returns a new state and leaves the earlier one as it was');
  });

  it('when phases run, then each sees what earlier phases returned, and the first final status ends the run', async () => {
    const seen: ModerationContext[] = [];
    const phases: Phase[] = [
      (c) => {
        seen.push(c);
        return { scores: { INSULT: 0.3 }, reasons: [{ rule: 'scorer_fallback', detail: 'a' }] };
      },
      (c) => {
        seen.push(c);
        return undefined;
      },
      (c) => {
        seen.push(c);
        return { status: 'pending', reasons: [{ rule: 'premod', detail: 'b' }] };
      },
      () => ({ status: 'rejected', reasons: [{ rule: 'repeat', detail: 'never' }] }),
    ];
    const d = await runPipeline(ctx('x'), phases);
    assert.equal(d.status, 'pending');
    assert.deepEqual(
      d.reasons.map((r) => r.detail),
      ['a', 'b'],
    );
    assert.deepEqual(d.scores, { INSULT: 0.3 });
    assert.deepEqual(seen[0]!.reasons, []);
    assert.deepEqual(seen[1]!.scores, { INSULT: 0.3 });
    assert.deepEqual(
      seen[2]!.reasons.map((r) => r.rule),
      ['scorer_fallback'],
    );
  });

  it('when the context is frozen, then every phase still decides (no phase writes to it) and the input is unchanged', async () => {
    const broken = {
      name: 'perspective' as const,
      score: async () => {
        throw new Error('timeout');
      },
    };
    const inputs: ModerationInput[] = [
      ctx('A thoughtful comment.'),
      ctx('x', { scorers: embeddedOnly({ TOXICITY: 0.75 }) }),
      ctx('x', { scorers: embeddedOnly({ SEVERE_TOXICITY: 0.99 }) }),
      ctx('A fine comment', {
        settings: { scorers: ['embedded', 'perspective'] },
        scorers: { ...embeddedOnly({ TOXICITY: 0 }), perspective: broken },
      }),
      ctx('x', {
        settings: { scorers: ['perspective'], onScorerUnavailable: 'embedded' },
        scorers: { ...embeddedOnly({ TOXICITY: 0.1 }), perspective: broken },
      }),
      ctx('x', { author: { ...author, role: 'moderator' }, settings: { scorers: ['perspective'] } }),
      ctx('Another paid shill, see https://example.org', {
        author: { ...author, approvedCount: 0 },
        settings: { suspectWords: ['shill'] },
      }),
    ];
    const statuses = [];
    for (const input of inputs) {
      const before = JSON.stringify(input);
      statuses.push((await runPipeline(deepFreeze(input))).status);
      assert.equal(JSON.stringify(input), before);
    }
    assert.deepEqual(statuses, ['approved', 'pending', 'rejected', 'pending', 'approved', 'approved', 'pending']);
  });

  it('when a comment completes a campaign, then the holds are returned as effects and not carried out by the phase', async () => {
    const services = testServices();
    const siteId = `site-${randomBytes(4).toString('hex')}`;
    const body = 'The bridge closure was planned in secret and the mayor lied to everyone about it.';
    const results = [];
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const comment = {
        ...ctx('').comment,
        siteId,
        commentId: `0190a000-0000-7000-8000-${randomBytes(6).toString('hex')}`,
        authorId: `0190a000-0000-7000-8000-${randomBytes(6).toString('hex')}`,
        body: i === 1 ? body.toUpperCase() : body,
      };
      ids.push(comment.commentId);
      results.push(await runPipeline(deepFreeze(ctx('', { comment, services }))));
    }
    assert.deepEqual(
      results.map((r) => r.status),
      ['approved', 'approved', 'pending'],
    );
    assert.deepEqual(
      results.slice(0, 2).map((r) => r.effects),
      [[{ kind: 'recheck_campaign', siteId }], [{ kind: 'recheck_campaign', siteId }]],
    );
    const [effect] = results[2]!.effects;
    assert.equal(effect?.kind, 'hold_campaign');
    if (effect?.kind !== 'hold_campaign') return;
    assert.deepEqual([...effect.hold].sort(), ids.slice(0, 2).sort());
    assert.deepEqual([...effect.mark].sort(), [...ids].sort());
    assert.equal(effect.reason.rule, 'coordinated');
    for (const id of ids)
      assert.equal(await services.memory.inCampaign({ siteId, id }), false, 'nobody was marked by the phase');
  });
});
