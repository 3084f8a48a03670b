import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../bench/procs.js';
import { PERSPECTIVE_PATH, startFakePerspective, type FakeScorerServer } from '../support/fake-scorers.js';
import { finish, startReaders, withCluster } from '../support/faults/scenario.js';

/**
 * Scenario 5: the remote scorer (a fake Perspective on 127.0.0.1) accepts every connection and
 * never answers, for the whole scenario. The workers run with the product's scorer defaults
 * (5 s timeout, 2 retries, breaker after 5 failures); only the quota is raised above the load,
 * since the quota is not what is tested. Two sites, one per `onScorerUnavailable` policy: every
 * comment of the `hold` site waits for a moderator with `scorer_unavailable`, every comment of
 * the `embedded` site is decided by the embedded scorer and says so. None is lost, none approved
 * unscreened, and the load's 202s never wait for the scorer.
 */
const LOAD_MS = 12_000;

let fake: FakeScorerServer;
before(async () => {
  fake = await startFakePerspective({ apiKey: 'pk-faults' });
  fake.setDefault({ kind: 'hang' });
});
after(async () => {
  await fake?.close();
});

describe('fault: remote scorer hangs for the whole scenario', () => {
  it("when the scorer never answers, then the sites' policies decide every comment, none lost or approved unscreened", {
    timeout: 180_000,
  }, async (t) => {
    await withCluster(
      t,
      {
        name: 'scorer-hang',
        env: {
          PERSPECTIVE_API_KEY: 'pk-faults',
          PERSPECTIVE_URL: `${fake.url}${PERSPECTIVE_PATH}`,
          PERSPECTIVE_RATE: '1000/1',
        },
      },
      async (cluster) => {
        const { load, siteIds } = await startReaders(cluster, [
          { id: 'hold', settings: { scorers: ['perspective'], onScorerUnavailable: 'hold' }, readers: 8 },
          { id: 'embedded', settings: { scorers: ['perspective'], onScorerUnavailable: 'embedded' }, readers: 8 },
        ]);
        await sleep(LOAD_MS);
        const { ledger } = await finish(t, cluster, load, siteIds, {
          scenario: '5. scorer hangs throughout',
          faultEnd: 'load-end',
          note: `${fake.requests.length} scorer requests, none answered`,
        });

        assert.ok(fake.requests.length > 0, 'the workers asked the scorer');
        const hold = ledger.rows.filter((r) => r.site_id === 'hold');
        const embedded = ledger.rows.filter((r) => r.site_id === 'embedded');
        assert.ok(hold.length > 0 && embedded.length > 0);
        const notHeld = hold.filter(
          (r) => r.status !== 'pending' || !r.reasons.some((x) => x.rule === 'scorer_unavailable'),
        );
        assert.deepEqual(
          notHeld.slice(0, 3),
          [],
          `${notHeld.length} comments of the hold site not held with scorer_unavailable`,
        );
        const notFallback = embedded.filter(
          (r) =>
            !r.reasons.some((x) => x.rule === 'scorer_fallback') ||
            !r.scored_by.some((s) => s.provider === 'embedded' && s.fallbackFor === 'perspective') ||
            r.scored_by.some((s) => s.provider === 'perspective'),
        );
        assert.deepEqual(
          notFallback.slice(0, 3),
          [],
          `${notFallback.length} comments of the embedded site not decided by the embedded scorer`,
        );
        // The 202 never waits for the scorer (one that did would take its 5 s timeout at least).
        const slowAcks = load.comments.filter((c) => c.ackAt !== undefined && c.ackAt - c.firstSentAt >= 5000);
        assert.equal(slowAcks.length, 0, `${slowAcks.length} comments took 5 s or more to be accepted`);
        assert.equal(ledger.lost, 0);
      },
    );
  });
});
