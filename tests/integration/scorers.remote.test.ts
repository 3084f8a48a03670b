import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '#shared/config.js';
import { createRedis, type RedisClient } from '#shared/redis.js';
import { createWorkerMetrics, type WorkerMetrics } from '#worker/metrics.js';
import { createScorers } from '#worker/scorers/index.js';
import { ScorerError, type ScorerSet, type Scorer } from '#shared/scoring/types.js';
import {
  PERSPECTIVE_PATH,
  startFakeOpenAi,
  startFakePerspective,
  type FakeScorerServer,
} from '../support/fake-scorers.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { freePort } from '../support/processes.js';

/**
 * Each remote scorer against a real HTTP server on 127.0.0.1 speaking the provider's format,
 * with the real Redis quota; short timeouts and backoffs keep each case to a fraction of a second.
 */
const PERSPECTIVE_KEY = 'pk-test-secret-4f1d';
const OPENAI_KEY = 'sk-test-secret-9a2c';

let redis: RedisClient;
let perspective: FakeScorerServer;
let openai: FakeScorerServer;
const prefixes: string[] = [];

before(async () => {
  redis = createRedis(TEST_REDIS_URL, () => undefined);
  perspective = await startFakePerspective({ apiKey: PERSPECTIVE_KEY });
  openai = await startFakeOpenAi({ apiKey: OPENAI_KEY });
});
afterEach(() => {
  perspective.reset();
  openai.reset();
});
after(async () => {
  for (const p of prefixes) {
    const keys = await redis.keys(`${p}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await perspective.close();
  await openai.close();
  await redis.quit();
});

interface Built {
  scorers: ScorerSet;
  metrics: WorkerMetrics;
  perspective: Scorer;
  openai: Scorer;
}

/** A worker process's scorers; pass the same prefix to get a second process sharing the quota. */
function build(env: Record<string, string> = {}, prefix = `{test-scorers-${randomBytes(4).toString('hex')}}`): Built {
  prefixes.push(prefix);
  const config = loadConfig({
    NODE_ENV: 'development',
    QUEUE_PREFIX: prefix,
    PERSPECTIVE_API_KEY: PERSPECTIVE_KEY,
    PERSPECTIVE_URL: `${perspective.url}${PERSPECTIVE_PATH}`,
    PERSPECTIVE_TIMEOUT_MS: '300',
    PERSPECTIVE_RATE: '1000/1',
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: openai.url,
    OPENAI_TIMEOUT_MS: '300',
    OPENAI_RATE: '1000/1',
    OPENAI_BATCH_WAIT_MS: '20',
    SCORER_RETRIES: '2',
    SCORER_BACKOFF_MS: '10',
    SCORER_BACKOFF_MAX_MS: '40',
    SCORER_RATE_WAIT_MS: '1500',
    SCORER_BREAKER_FAILURES: '50',
    SCORER_BREAKER_HALF_OPEN_MS: '300',
    ...env,
  });
  const metrics = createWorkerMetrics();
  const scorers = createScorers(config, redis, metrics);
  return { scorers, metrics, perspective: scorers.perspective!, openai: scorers.openai! };
}

const ctx = { siteId: 'site-1' };

/** The ScorerError a call fails with (and that it is one). */
async function failure(p: Promise<unknown>): Promise<ScorerError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ScorerError, `expected a ScorerError, got ${String(err)}`);
    assert.ok(
      !err.message.includes(PERSPECTIVE_KEY) && !err.message.includes(OPENAI_KEY),
      `key leaked into: ${err.message}`,
    );
    return err;
  }
  assert.fail('expected the call to fail');
}

const metric = async (m: WorkerMetrics, name: string, labels: Record<string, string>) => {
  const found = (await m.registry.getSingleMetric(name)?.get())?.values
    // Histograms: the sum of observations.
    .filter(
      (v) =>
        Object.entries(labels).every(([k, val]) => v.labels[k] === val) &&
        !('le' in v.labels) &&
        !(v as { metricName?: string }).metricName?.endsWith('_count'),
    );
  return found?.reduce((n, v) => n + v.value, 0) ?? 0;
};

describe('remote scorers: configuration', () => {
  it('when no provider key is configured, then the worker has only the embedded scorer', () => {
    const scorers = createScorers(loadConfig({ NODE_ENV: 'development' }), redis, createWorkerMetrics());
    assert.deepEqual(Object.keys(scorers), ['embedded']);
  });
  it('when both keys are configured, then both remote scorers exist', () => {
    assert.deepEqual(Object.keys(build().scorers).sort(), ['embedded', 'openai', 'perspective']);
  });
});

describe('perspective scorer', () => {
  it('when it answers, then the six attributes are requested in one call with doNotStore, the key and the site languages', async () => {
    const { perspective: scorer } = build();
    const r = await scorer.score('a toxic remark', { siteId: 's', languages: ['en', 'fr-CA', 'fr'] });
    assert.equal(r.provider, 'perspective');
    assert.equal(r.attributes.TOXICITY, 0.95);
    assert.equal(r.attributes.THREAT, 0.95);
    assert.ok(r.spans?.some((s) => s.start === 0 && s.end === 'a toxic remark'.length));
    const [req] = perspective.requests;
    assert.equal(perspective.requests.length, 1);
    assert.equal(req!.query.get('key'), PERSPECTIVE_KEY);
    const body = req!.body as Record<string, unknown>;
    assert.equal(body.doNotStore, true);
    assert.deepEqual(body.comment, { text: 'a toxic remark' });
    assert.deepEqual(Object.keys(body.requestedAttributes as object).sort(), [
      'IDENTITY_ATTACK',
      'INSULT',
      'PROFANITY',
      'SEVERE_TOXICITY',
      'THREAT',
      'TOXICITY',
    ]);
    assert.deepEqual(body.languages, ['en', 'fr']);
  });

  it('when the site has no languages, then none are sent (Perspective detects them)', async () => {
    await build().perspective.score('hello there', ctx);
    assert.equal((perspective.requests[0]!.body as Record<string, unknown>).languages, undefined);
  });

  it('when it answers 429 several times, then the call waits them out without using a retry and succeeds', async () => {
    const { perspective: scorer, metrics } = build({ SCORER_RETRIES: '0' });
    perspective.script({ kind: '429', retryAfter: '0' }, { kind: '429' }, { kind: '429', retryAfter: '0' });
    const r = await scorer.score('hello', ctx);
    assert.equal(r.attributes.TOXICITY, 0.02);
    assert.deepEqual(
      perspective.requests.map((q) => q.step),
      ['429', '429', '429', 'ok'],
    );
    assert.equal(await metric(metrics, 'scorer_errors_total', { provider: 'perspective', kind: 'http_429' }), 3);
  });

  it('when 429 says to retry after longer than the wait budget, then the call is rate_limited with that delay and every process holds off', async () => {
    const prefix = `{test-scorers-${randomBytes(4).toString('hex')}}`;
    const one = build({}, prefix);
    const two = build({}, prefix);
    perspective.script({ kind: '429', retryAfter: '120' });
    const e = await failure(one.perspective.score('hello', ctx));
    assert.equal(e.kind, 'rate_limited');
    assert.ok(
      e.retryAfterMs !== undefined && e.retryAfterMs >= 100_000 && e.retryAfterMs <= 120_000,
      String(e.retryAfterMs),
    );
    // The other process finds the quota blocked and sends nothing.
    const e2 = await failure(two.perspective.score('hello', ctx));
    assert.equal(e2.kind, 'rate_limited');
    assert.equal(perspective.requests.length, 1);
    assert.equal(await metric(one.metrics, 'scorer_rate_limit_deferrals_total', { provider: 'perspective' }), 1);
  });

  it('when it answers 500 once, then the call is retried and succeeds', async () => {
    perspective.script({ kind: '500' });
    const r = await build().perspective.score('hello', ctx);
    assert.equal(r.attributes.TOXICITY, 0.02);
    assert.deepEqual(
      perspective.requests.map((q) => q.step),
      ['500', 'ok'],
    );
  });

  it('when it keeps answering 500, then the call fails unavailable after the configured retries', async () => {
    perspective.setDefault({ kind: '500' });
    const e = await failure(build({ SCORER_RETRIES: '2' }).perspective.score('hello', ctx));
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /500.*after 3 attempts/);
    assert.equal(perspective.requests.length, 3);
  });

  it('when it answers slower than the timeout, then the request is abandoned, retried, and the call fails unavailable', async () => {
    perspective.setDefault({ kind: 'slow', delayMs: 1000 });
    const started = Date.now();
    const e = await failure(
      build({ SCORER_RETRIES: '1', PERSPECTIVE_TIMEOUT_MS: '150' }).perspective.score('hello', ctx),
    );
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /did not answer within 150 ms/);
    assert.equal(perspective.requests.length, 2);
    assert.ok(Date.now() - started < 1000, 'the slow answers were not waited for');
  });

  it('when it answers malformed JSON, then the call fails unavailable at once, saying so', async () => {
    perspective.script({ kind: 'malformed' });
    const e = await failure(build().perspective.score('hello', ctx));
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /malformed JSON/);
    assert.equal(perspective.requests.length, 1);
  });

  it('when it answers 410 Gone, then the call fails unavailable at once, saying the endpoint is retired', async () => {
    perspective.script({ kind: '410' });
    const e = await failure(build().perspective.score('hello', ctx));
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /410 Gone/);
    assert.equal(perspective.requests.length, 1);
  });

  it('when it answers 400 language not supported, then the call fails unsupported (the embedded scorer stands in)', async () => {
    perspective.script({ kind: 'language' });
    const e = await failure(build().perspective.score('texte', { siteId: 's', languages: ['xx'] }));
    assert.equal(e.kind, 'unsupported');
    assert.match(e.message, /language/);
  });

  it("when it answers another 400, then the call fails unavailable with the provider's message", async () => {
    perspective.script({ kind: '400' });
    const e = await failure(build().perspective.score('hello', ctx));
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /400: Comment text too long/);
  });

  it('when the key is wrong, then the call fails unavailable and the message does not contain a key', async () => {
    const config = { PERSPECTIVE_API_KEY: 'pk-wrong-key' };
    const e = await failure(build(config).perspective.score('hello', ctx));
    assert.equal(e.kind, 'unavailable');
    assert.ok(!e.message.includes('pk-wrong-key'));
  });

  it('when the endpoint is unreachable or hangs up, then the call fails unavailable without the URL or key in the message', async () => {
    const port = await freePort();
    const e = await failure(
      build({ PERSPECTIVE_URL: `http://127.0.0.1:${port}${PERSPECTIVE_PATH}`, SCORER_RETRIES: '0' }).perspective.score(
        'hello',
        ctx,
      ),
    );
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /unreachable/);
    perspective.script({ kind: 'hangup' }, { kind: 'hangup' });
    const e2 = await failure(build({ SCORER_RETRIES: '1' }).perspective.score('hello', ctx));
    assert.equal(e2.kind, 'unavailable');
  });

  it('when failures repeat, then the circuit opens (calls fail at once), half-opens after the pause and closes on success', async () => {
    const { perspective: scorer, metrics } = build({
      SCORER_RETRIES: '0',
      SCORER_BREAKER_FAILURES: '3',
      SCORER_BREAKER_HALF_OPEN_MS: '300',
    });
    perspective.setDefault({ kind: '500' });
    for (let i = 0; i < 3; i++) assert.equal((await failure(scorer.score('hello', ctx))).kind, 'unavailable');
    assert.equal(await metric(metrics, 'scorer_circuit_state', { provider: 'perspective' }), 1);
    const open = await failure(scorer.score('hello', ctx));
    assert.match(open.message, /circuit open/);
    assert.equal(perspective.requests.length, 3, 'an open circuit sends nothing');

    // Half-open: one trial; it fails, so the circuit opens again.
    await new Promise((r) => setTimeout(r, 350));
    assert.equal((await failure(scorer.score('hello', ctx))).kind, 'unavailable');
    assert.equal(perspective.requests.length, 4);
    assert.match((await failure(scorer.score('hello', ctx))).message, /circuit open/);

    // The provider recovers: the next trial closes the circuit.
    perspective.setDefault({ kind: 'ok' });
    await new Promise((r) => setTimeout(r, 350));
    assert.equal((await scorer.score('hello', ctx)).attributes.TOXICITY, 0.02);
    assert.equal(await metric(metrics, 'scorer_circuit_state', { provider: 'perspective' }), 0);
    assert.equal((await scorer.score('hello', ctx)).attributes.TOXICITY, 0.02);
    assert.ok((await metric(metrics, 'scorer_errors_total', { provider: 'perspective', kind: 'circuit_open' })) >= 2);
  });

  it('when 429s and unsupported languages repeat, then the circuit stays closed', async () => {
    const { perspective: scorer, metrics } = build({ SCORER_BREAKER_FAILURES: '2' });
    perspective.script(
      { kind: 'language' },
      { kind: 'language' },
      { kind: 'language' },
      { kind: '429', retryAfter: '0' },
      { kind: '429', retryAfter: '0' },
    );
    for (let i = 0; i < 3; i++) assert.equal((await failure(scorer.score('x', ctx))).kind, 'unsupported');
    assert.equal((await scorer.score('hello', ctx)).attributes.TOXICITY, 0.02);
    assert.equal(await metric(metrics, 'scorer_circuit_state', { provider: 'perspective' }), 0);
  });

  it('when two worker processes share the quota, then together they send no more than it allows and the rest defer', async () => {
    const prefix = `{test-scorers-${randomBytes(4).toString('hex')}}`;
    const env = { PERSPECTIVE_RATE: '2/1', SCORER_RATE_WAIT_MS: '200' };
    const one = build(env, prefix);
    const two = build(env, prefix);
    const calls = [one, two, one, two, one, two].map((p) =>
      p.perspective.score('hello', ctx).then(
        () => 'ok',
        (e: ScorerError) => e,
      ),
    );
    const outcomes = await Promise.all(calls);
    assert.equal(outcomes.filter((o) => o === 'ok').length, 2);
    const deferred = outcomes.filter((o): o is ScorerError => o instanceof ScorerError);
    assert.equal(deferred.length, 4);
    for (const d of deferred) assert.equal(d.kind, 'rate_limited');
    // Told to come back in turn: the first two deferred within the next window, the next two in the one after.
    const after = deferred.map((d) => d.retryAfterMs!).sort((a, b) => a - b);
    assert.ok(after[0]! > 0 && after[1]! <= 1100, JSON.stringify(after));
    assert.ok(after[2]! >= 1000 && after[3]! <= 2100, JSON.stringify(after));
    assert.equal(perspective.requests.length, 2);
  });

  it('when the wait budget covers the next window, then calls wait for a slot instead of deferring, within the quota', async () => {
    const prefix = `{test-scorers-${randomBytes(4).toString('hex')}}`;
    const env = { PERSPECTIVE_RATE: '2/1', SCORER_RATE_WAIT_MS: '2500' };
    const one = build(env, prefix);
    const two = build(env, prefix);
    const results = await Promise.all([one, two, one, two].map((p) => p.perspective.score('hello', ctx)));
    assert.equal(results.length, 4);
    const times = perspective.requests.map((r) => r.at).sort((a, b) => a - b);
    assert.equal(times.length, 4);
    // A third request only once the first window (1 s) has passed.
    assert.ok(times[2]! - times[0]! >= 900, `third request ${times[2]! - times[0]!} ms after the first`);
  });
});

describe('openai moderation scorer', () => {
  it('when several comments are scored at once, then they go out in one request with the bearer key, each mapped to its own scores', async () => {
    const { openai: scorer, metrics } = build();
    const texts = ['fine one', 'a toxic one', 'fine two', 'fine three', 'fine four'];
    const results = await Promise.all(texts.map((t) => scorer.score(t, ctx)));
    assert.equal(openai.requests.length, 1);
    const req = openai.requests[0]!;
    assert.equal(req.headers.authorization, `Bearer ${OPENAI_KEY}`);
    assert.deepEqual(req.body, { model: 'omni-moderation-latest', input: texts });
    assert.equal(results[1]!.attributes.TOXICITY, 0.95);
    assert.equal(results[1]!.attributes.INSULT, 0.95);
    assert.equal(results[1]!.attributes.IDENTITY_ATTACK, 0.95);
    assert.equal(results[0]!.attributes.TOXICITY, 0.02);
    assert.equal(results[0]!.provider, 'openai');
    assert.equal(results[0]!.model, 'omni-moderation-2024-09-26');
    assert.equal(await metric(metrics, 'scorer_batch_size', { provider: 'openai' }), 5);
  });

  it('when more comments arrive than a batch holds, then they are split into batches of at most OPENAI_BATCH_MAX', async () => {
    const { openai: scorer } = build({ OPENAI_BATCH_MAX: '2' });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((t) => scorer.score(`text ${t}`, ctx)));
    assert.deepEqual(openai.requests.map((r) => (r.body as { input: string[] }).input.length).sort(), [1, 2, 2]);
  });

  it('when a batch waits for a slot of the quota, then comments arriving meanwhile join it and share its request', async () => {
    const { openai: scorer } = build({ OPENAI_RATE: '1/1', SCORER_RATE_WAIT_MS: '3000' });
    await scorer.score("takes this window's slot", ctx);
    const later: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      later.push(scorer.score(`arrives while waiting ${i}`, ctx));
      await new Promise((r) => setTimeout(r, 60));
    }
    await Promise.all(later);
    assert.deepEqual(
      openai.requests.map((r) => (r.body as { input: string[] }).input.length),
      [1, 5],
    );
  });

  it('when the batch request fails, then every comment in it fails with the same ScorerError', async () => {
    openai.setDefault({ kind: '500' });
    const { openai: scorer } = build({ SCORER_RETRIES: '1' });
    const errors = await Promise.all(['a', 'b', 'c'].map((t) => failure(scorer.score(t, ctx))));
    assert.ok(errors.every((e) => e.kind === 'unavailable' && e === errors[0]));
    assert.equal(openai.requests.length, 2);
  });

  it('when it answers 429, then the batch waits and is sent again without using a retry', async () => {
    openai.script({ kind: '429', retryAfter: '0' }, { kind: '429', retryAfter: '0' });
    const r = await build({ SCORER_RETRIES: '0' }).openai.score('hello', ctx);
    assert.equal(r.attributes.TOXICITY, 0.02);
    assert.equal(openai.requests.length, 3);
  });

  it('when it answers malformed JSON, 410 or a wrong key, then the call fails unavailable without leaking the key', async () => {
    openai.script({ kind: 'malformed' }, { kind: '410' });
    assert.match((await failure(build().openai.score('a', ctx))).message, /malformed JSON/);
    assert.match((await failure(build().openai.score('a', ctx))).message, /410 Gone/);
    const wrong = await failure(build({ OPENAI_API_KEY: 'sk-wrong' }).openai.score('a', ctx));
    assert.match(wrong.message, /401: Incorrect API key/);
    assert.ok(!wrong.message.includes('sk-wrong'));
  });

  it('when it times out, then the call fails unavailable after the retries', async () => {
    openai.setDefault({ kind: 'slow', delayMs: 800 });
    const e = await failure(build({ SCORER_RETRIES: '1', OPENAI_TIMEOUT_MS: '100' }).openai.score('a', ctx));
    assert.equal(e.kind, 'unavailable');
    assert.match(e.message, /within 100 ms/);
    assert.equal(openai.requests.length, 2);
  });
});
