import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { startTestWorker } from '../support/worker.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { postComment, waitForDecision } from '../support/comment-flow.js';
import { PERSPECTIVE_PATH, startFakePerspective, type FakeScorerServer } from '../support/fake-scorers.js';
import { createWorkerMetrics } from '#worker/metrics.js';
import { createScorers } from '#worker/scorers/index.js';
import type { Reason, ScoredBy } from '#shared/domain.js';

/**
 * The remote scorer is down for the whole test (every request a 500, or no answer in time):
 * API → BullMQ → real worker with the real Perspective adapter → Postgres. Under policy `hold`
 * every comment waits for a moderator with `scorer_unavailable`; under `embedded` every comment
 * is decided by the embedded scorer and says so. None is lost, none approved silently.
 */
let env: TestEnv;
let api: TestApi;
let fake: FakeScorerServer;
let worker: { close(): Promise<void> };

const BODIES = [
  'Thanks for the careful reporting on the council budget.',
  'I disagree with the mayor, but this is a fair summary.',
  'you are a bitch and everyone knows it',
  'What the fuck is this decision?',
  'Good piece. The bus routes need more money.',
  'go away you k1ke',
];

before(async () => {
  fake = await startFakePerspective({ apiKey: 'pk-outage' });
  fake.setDefault({ kind: '500' });
  env = await createTestEnv({
    RATE_LIMITS: 'off',
    PERSPECTIVE_API_KEY: 'pk-outage',
    PERSPECTIVE_URL: `${fake.url}${PERSPECTIVE_PATH}`,
    PERSPECTIVE_TIMEOUT_MS: '200',
    PERSPECTIVE_RATE: '1000/1',
    SCORER_RETRIES: '1',
    SCORER_BACKOFF_MS: '10',
    SCORER_BACKOFF_MAX_MS: '50',
    SCORER_BREAKER_FAILURES: '4',
    SCORER_BREAKER_HALF_OPEN_MS: '200',
  });
  api = await startTestApi(env);
  worker = await startTestWorker(env, { scorers: createScorers(env.config, env.redis, createWorkerMetrics()) });
});

after(async () => {
  await worker?.close();
  await api?.close();
  await env?.close();
  await fake?.close();
});

async function siteWith(settings: Record<string, unknown>): Promise<BuiltSite> {
  const site = await buildSite(env.db);
  await env.db.query('UPDATE sites SET settings = $2, settings_version = settings_version + 1 WHERE id = $1', [
    site.siteId,
    settings,
  ]);
  return site;
}

interface Stored {
  id: string;
  status: string;
  reasons: Reason[];
  scored_by: ScoredBy[];
}

/** Posts every body from two readers and waits for each decision; returns the stored rows. */
async function postAll(site: BuiltSite): Promise<{ posted: string[]; rows: Stored[] }> {
  const postId = await buildPost(env.db, site.siteId);
  const readers = [
    await signInReader(api.app, site, { name: 'Ada' }),
    await signInReader(api.app, site, { name: 'Bo' }),
  ];
  const posted: string[] = [];
  for (const [i, body] of BODIES.entries()) {
    const r = readers[i % 2]!;
    posted.push(await postComment(api.app, { siteId: site.siteId, postId, token: r.accessToken, body }));
  }
  for (const [i, id] of posted.entries()) await waitForDecision(api.app, id, readers[i % 2]!.accessToken);
  const rows = (
    await env.db.query<Stored>('SELECT id, status, reasons, scored_by FROM comments WHERE site_id = $1 ORDER BY id', [
      site.siteId,
    ])
  ).rows;
  return { posted, rows };
}

describe('remote scorer down for the whole run', () => {
  it("when the site's policy is hold, then every comment ends pending with scorer_unavailable, none lost", async () => {
    const site = await siteWith({ scorers: ['perspective'], onScorerUnavailable: 'hold' });
    const { posted, rows } = await postAll(site);
    assert.deepEqual(rows.map((r) => r.id).sort(), [...posted].sort(), 'every accepted comment is stored once');
    for (const r of rows) {
      assert.equal(r.status, 'pending', `${r.id}: ${JSON.stringify(r.reasons)}`);
      const reason = r.reasons.find((x) => x.rule === 'scorer_unavailable');
      assert.ok(reason, JSON.stringify(r.reasons));
      assert.match(reason.detail, /perspective could not score/);
      assert.ok(!JSON.stringify(r).includes('pk-outage'), 'the key is not stored');
    }
    assert.ok(fake.requests.length > 0, 'the scorer was really asked');
  });

  it("when the site's policy is embedded, then every comment is decided by the embedded scorer and its reasons say so", async () => {
    const site = await siteWith({ scorers: ['perspective'], onScorerUnavailable: 'embedded' });
    const { posted, rows } = await postAll(site);
    assert.deepEqual(rows.map((r) => r.id).sort(), [...posted].sort(), 'every accepted comment is stored once');
    for (const r of rows) {
      assert.ok(
        r.reasons.some((x) => x.rule === 'scorer_fallback' && /perspective could not score/.test(x.detail)),
        JSON.stringify(r.reasons),
      );
      assert.ok(
        r.scored_by.some((s) => s.provider === 'embedded' && s.fallbackFor === 'perspective'),
        JSON.stringify(r.scored_by),
      );
      assert.ok(!r.scored_by.some((s) => s.provider === 'perspective'));
    }
    const byBody = new Map(rows.map((r) => [r.id, r.status]));
    const statuses = posted.map((id) => byBody.get(id));
    // Clean comments approved by the embedded scorer (saying so), the insult held, the slur rejected.
    assert.equal(statuses[0], 'approved');
    assert.equal(statuses[1], 'approved');
    assert.equal(statuses[2], 'pending');
    assert.equal(statuses[4], 'approved');
    assert.equal(statuses[5], 'rejected');
  });

  it('when the scorer does not answer in time at all, then the hold policy still holds every comment', async () => {
    fake.setDefault({ kind: 'slow', delayMs: 2000 });
    try {
      const site = await siteWith({ scorers: ['perspective', 'embedded'], onScorerUnavailable: 'hold' });
      const { posted, rows } = await postAll(site);
      assert.equal(rows.length, posted.length);
      for (const r of rows) {
        assert.ok(r.status === 'pending' || r.status === 'rejected', `${r.id} ${r.status}`);
        assert.ok(
          r.status === 'rejected' || r.reasons.some((x) => x.rule === 'scorer_unavailable'),
          JSON.stringify(r.reasons),
        );
      }
    } finally {
      fake.setDefault({ kind: '500' });
    }
  });
});
