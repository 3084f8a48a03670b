import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader } from '../support/builders.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { PERSPECTIVE_PATH, startFakePerspective, type FakeScorerServer } from '../support/fake-scorers.js';
import { createWorkerMetrics, type WorkerMetrics } from '#worker/metrics.js';
import { createScorers } from '#worker/scorers/index.js';
import type { Reason, ScoredBy } from '#shared/domain.js';
import { ScorerError } from '#shared/scoring/types.js';

/**
 * A healthy remote scorer with a small quota (2 requests/s) and a short wait for a slot: the
 * worker sends comments it cannot score yet back to the queue, delayed, and scores them later.
 * Every comment ends scored by the remote scorer, the provider never sees more than the quota.
 */
let env: TestEnv;
let api: TestApi;
let fake: FakeScorerServer;
let metrics: WorkerMetrics;
let worker: { close(): Promise<void> };

before(async () => {
  fake = await startFakePerspective({ apiKey: 'pk-quota' });
  env = await createTestEnv({
    RATE_LIMITS: 'off',
    PERSPECTIVE_API_KEY: 'pk-quota',
    PERSPECTIVE_URL: `${fake.url}${PERSPECTIVE_PATH}`,
    PERSPECTIVE_RATE: '2/1',
    SCORER_RATE_WAIT_MS: '100',
  });
  api = await startTestApi(env);
  metrics = createWorkerMetrics();
  worker = await startTestWorker(env, { scorers: createScorers(env.config, env.redis, metrics) });
});

after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
  await fake?.close();
});

describe('remote scorer quota through the queue', () => {
  it('when comments arrive faster than the quota, then they wait in the queue and are all scored by the remote scorer, within the quota', async () => {
    const site = await buildSite(env.db);
    await env.db.query('UPDATE sites SET settings = $2, settings_version = settings_version + 1 WHERE id = $1', [
      site.siteId,
      { scorers: ['perspective'], onScorerUnavailable: 'hold' },
    ]);
    const postId = await buildPost(env.db, site.siteId);
    const reader = await signInReader(api.app, site, { name: 'Ada' });
    const bodies = [
      'First thought on the budget.',
      'Second, about the buses.',
      'Third: the library hours.',
      'Fourth, the harbour plan.',
      'Fifth, on school meals.',
      'Sixth and last, the bridge.',
    ];
    const ids: string[] = [];
    for (const body of bodies)
      ids.push(await postComment(api.app, { siteId: site.siteId, postId, token: reader.accessToken, body }));
    for (const id of ids) await waitForDecision(api.app, id, reader.accessToken, 20_000);

    const rows = (
      await env.db.query<{ id: string; status: string; reasons: Reason[]; scored_by: ScoredBy[] }>(
        'SELECT id, status, reasons, scored_by FROM comments WHERE site_id = $1',
        [site.siteId],
      )
    ).rows;
    assert.equal(rows.length, ids.length);
    for (const r of rows) {
      assert.equal(r.status, 'approved', JSON.stringify(r.reasons));
      assert.deepEqual(
        r.scored_by.map((s) => s.provider),
        ['perspective'],
      );
      assert.ok(!r.reasons.some((x) => x.rule === 'scorer_unavailable' || x.rule === 'scorer_fallback'));
    }
    // Some had to wait their turn in the queue…
    const deferrals =
      (await metrics.registry.getSingleMetric('scorer_rate_limit_deferrals_total')?.get())?.values.reduce(
        (n, v) => n + v.value,
        0,
      ) ?? 0;
    assert.ok(deferrals > 0, 'comments were deferred');
    // …and the provider saw at most 2 requests per one-second window: 6 requests span at least 3 windows.
    const times = fake.requests.map((q) => q.at).sort((a, b) => a - b);
    assert.equal(times.length, ids.length);
    assert.ok(times[5]! - times[0]! >= 1900, `6 requests within ${times[5]! - times[0]!} ms`);
  });
});

describe("shadow scoring's share of a remote scorer's quota", () => {
  const context = { siteId: 'quota-shadow-site' };
  /** The same quota as the live scorers', in a prefix of its own so the other tests' requests do not count. */
  const configWith = (points: number, duration: number, prefix: string) => ({
    ...env.config,
    QUEUE_PREFIX: `${env.config.QUEUE_PREFIX}-${prefix}`,
    PERSPECTIVE_RATE: { points, duration },
    SHADOW_QUOTA_SHARE: 0.5,
  });

  it('when the shadow has used its share of the window, then it is turned away at once and live scoring still finds the rest', async () => {
    fake.reset();
    const config = configWith(4, 60, 'share');
    const shadow = createScorers(config, env.redis, createWorkerMetrics(), { shadow: true }).perspective!;
    const live = createScorers(config, env.redis, createWorkerMetrics()).perspective!;
    await shadow.score('The first comment scored in shadow.', context);
    await shadow.score('The second comment scored in shadow.', context);
    const started = Date.now();
    await assert.rejects(
      shadow.score('The third comment scored in shadow.', context),
      (err: unknown) => err instanceof ScorerError && err.kind === 'rate_limited' && /shadow's share/.test(err.message),
    );
    assert.ok(Date.now() - started < 1000, 'the shadow does not wait for a slot');
    await live.score('The first comment scored live.', context);
    await live.score('The second comment scored live.', context);
    assert.equal(
      fake.requests.length,
      4,
      'the provider saw the two shadow and the two live requests, within its quota',
    );
  });

  it('when the provider fails shadow requests, then each is sent once and the shadow opens a circuit of its own', async () => {
    fake.reset();
    const config = configWith(1000, 1, 'breaker');
    const shadow = createScorers(config, env.redis, createWorkerMetrics(), { shadow: true }).perspective!;
    const live = createScorers(config, env.redis, createWorkerMetrics()).perspective!;
    fake.setDefault({ kind: '500' });
    for (let i = 0; i < config.SCORER_BREAKER_FAILURES; i++)
      await assert.rejects(shadow.score(`A shadow request the provider fails, ${i}.`, context));
    assert.equal(fake.requests.length, config.SCORER_BREAKER_FAILURES, 'no retries in shadow');
    await assert.rejects(
      shadow.score('A shadow request after the failures.', context),
      (err: unknown) => err instanceof ScorerError && /circuit open/.test(err.message),
    );
    // Live scoring, with its own circuit, still asks the provider.
    fake.setDefault({ kind: 'ok' });
    const scored = await live.score('A live request once the provider is back.', context);
    assert.equal(scored.provider, 'perspective');
    assert.equal(fake.requests.length, config.SCORER_BREAKER_FAILURES + 1);
  });
});
