import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createThreadCache } from '#api/comments/thread-cache.js';

describe('thread cache', () => {
  it('when a page is requested twice, then it loads once and the second is a hit with the same ETag', async () => {
    const cache = createThreadCache({ ttlMs: 60_000, maxEntries: 10 });
    let loads = 0;
    const load = async () => {
      loads++;
      return '{"n":1}';
    };
    const a = await cache.get('s', 'p', 'v', load);
    const b = await cache.get('s', 'p', 'v', load);
    assert.equal(loads, 1);
    assert.equal(a.hit, false);
    assert.equal(b.hit, true);
    assert.equal(a.page.etag, b.page.etag);
  });
  it('when concurrent misses ask for one page, then one load serves them all', async () => {
    const cache = createThreadCache({ ttlMs: 60_000, maxEntries: 10 });
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 20));
      return '{}';
    };
    await Promise.all(Array.from({ length: 10 }, () => cache.get('s', 'p', 'v', load)));
    assert.equal(loads, 1);
  });
  it('when a post is invalidated, then its pages reload and other posts stay cached', async () => {
    const cache = createThreadCache({ ttlMs: 60_000, maxEntries: 10 });
    await cache.get('s', 'p', 'v', async () => '1');
    await cache.get('s', 'q', 'v', async () => '1');
    cache.invalidate('s', 'p');
    assert.equal((await cache.get('s', 'p', 'v', async () => '2')).page.body.toString(), '2');
    assert.equal((await cache.get('s', 'q', 'v', async () => '2')).hit, true);
  });
  it("when a site is invalidated, then every page of its posts reloads, a load under way is not stored, and another site's pages stay cached", async () => {
    const cache = createThreadCache({ ttlMs: 60_000, maxEntries: 10 });
    await cache.get('s', 'p', 'v', async () => '1');
    await cache.get('s', 'q', 'w', async () => '1');
    // A site whose id starts like the other's.
    await cache.get('s2', 'p', 'v', async () => '1');
    let finish: (v: string) => void = () => undefined;
    const loading = cache.get('s', 'r', 'v', () => new Promise<string>((r) => (finish = r)));
    cache.invalidateSite('s');
    finish('stale');
    await loading;
    assert.equal((await cache.get('s', 'p', 'v', async () => '2')).page.body.toString(), '2');
    assert.equal((await cache.get('s', 'q', 'w', async () => '2')).page.body.toString(), '2');
    assert.equal((await cache.get('s', 'r', 'v', async () => '2')).page.body.toString(), '2');
    assert.equal((await cache.get('s2', 'p', 'v', async () => '2')).hit, true);
  });
  it('when an invalidation arrives while a page loads, then the stale page is not stored', async () => {
    const cache = createThreadCache({ ttlMs: 60_000, maxEntries: 10 });
    let release!: () => void;
    const slow = cache.get(
      's',
      'p',
      'v',
      () =>
        new Promise<string>((r) => {
          release = () => r('stale');
        }),
    );
    cache.invalidate('s', 'p');
    release();
    await slow;
    const next = await cache.get('s', 'p', 'v', async () => 'fresh');
    assert.equal(next.hit, false);
    assert.equal(next.page.body.toString(), 'fresh');
  });
});

describe('thread cache eviction', () => {
  it('when pages are evicted by size, then invalidating their post still works and nothing stale is served', async () => {
    const cache = createThreadCache({ ttlMs: 60_000, maxEntries: 2 });
    await cache.get('s', 'p', 'v1', async () => 'p1');
    await cache.get('s', 'p', 'v2', async () => 'p2');
    await cache.get('s', 'q', 'v1', async () => 'q1'); // evicts s/p/v1
    cache.invalidate('s', 'p');
    assert.equal((await cache.get('s', 'p', 'v2', async () => 'p2-new')).page.body.toString(), 'p2-new');
    const q = await cache.get('s', 'q', 'v1', async () => 'q1-new');
    assert.equal(q.hit, true, 'invalidating p leaves q cached');
    assert.equal(q.page.body.toString(), 'q1');
  });

  it('when pages together pass the byte budget, then the least recent go, and a page larger than the budget is served but not kept', async () => {
    const cache = createThreadCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 3_000 });
    const big = (c: string) => c.repeat(1_000);
    for (const v of ['a', 'b', 'c', 'd']) await cache.get('s', 'p', v, async () => big(v));
    assert.equal(cache.peek('s', 'p', 'a'), undefined, 'the oldest page went');
    for (const v of ['b', 'c', 'd']) assert.ok(cache.peek('s', 'p', v), `page ${v} kept`);
    const huge = await cache.get('s', 'p', 'huge', async () => 'h'.repeat(5_000));
    assert.equal(huge.page.body.length, 5_000);
    assert.equal(cache.peek('s', 'p', 'huge'), undefined);
    assert.ok(cache.peek('s', 'p', 'd'), 'a page too large to keep evicts nothing');
  });
});
