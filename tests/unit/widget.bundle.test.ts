import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { buildBrowserAssets } from '#api/assets/build.js';
import { createThreadEvents } from '#api/widget/thread-events.js';

describe('embed.js', () => {
  it('when the widget is built, then embed.js is at most 25 KB gzipped and keeps no token in storage or cookies', async () => {
    const js = (await buildBrowserAssets()).get('embed.js')!;
    const gzip = gzipSync(js, { level: 9 });
    assert.ok(gzip.length <= 25 * 1024, `embed.js is ${gzip.length} bytes gzipped (budget 25,600)`);
    const text = js.toString();
    for (const forbidden of ['localStorage', 'sessionStorage', 'document.cookie', 'eval(', 'new Function']) {
      assert.ok(!text.includes(forbidden), `embed.js uses ${forbidden}`);
    }
    assert.match(text, /attachShadow/);
    assert.match(text, /credentials:"omit"/);
  });
});

describe('live-update streams', () => {
  it('when changes are published, then only the streams of that post hear them; removing and closing clean up the counts', () => {
    const hub = createThreadEvents({ heartbeatMs: 60_000 });
    const heard: string[] = [];
    const frames: string[] = [];
    let closed = 0;
    const listener = (name: string) => ({
      send: (frame: string) => {
        heard.push(name);
        frames.push(frame);
      },
      close: () => {
        closed++;
      },
    });
    const removeA = hub.add('s', 'p1', '10.0.0.1', listener('a'));
    hub.add('s', 'p1', '10.0.0.2', listener('b'));
    hub.add('s', 'p2', '10.0.0.1', listener('c'));
    assert.equal(hub.openCount(), 3);
    assert.equal(hub.openCount('10.0.0.1'), 2);
    hub.publish({ siteId: 's', postId: 'p1', post: false });
    assert.deepEqual(heard.sort(), ['a', 'b']);
    assert.deepEqual(frames, Array(2).fill('event: comments\ndata: {"siteId":"s","postId":"p1"}\n\n'));
    removeA();
    removeA();
    assert.equal(hub.openCount(), 2);
    assert.equal(hub.openCount('10.0.0.1'), 1);
    heard.length = 0;
    hub.publishAll();
    assert.deepEqual(heard.sort(), ['b', 'c']);
    assert.match(frames.at(-1) ?? '', /^event: post\n/);
    hub.closeAll();
    assert.equal(closed, 2);
  });

  it("when streams are idle, then the hub's one timer sends each a heartbeat, until closeAll", async () => {
    const hub = createThreadEvents({ heartbeatMs: 10 });
    const pings = new Map<string, number>();
    for (const name of ['a', 'b']) {
      hub.add('s', name, '10.0.0.1', {
        send: (frame) => {
          if (frame === ': ping\n\n') pings.set(name, (pings.get(name) ?? 0) + 1);
        },
        close: () => undefined,
      });
    }
    for (let i = 0; i < 500 && !((pings.get('a') ?? 0) >= 2 && (pings.get('b') ?? 0) >= 2); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(
      (pings.get('a') ?? 0) >= 2 && (pings.get('b') ?? 0) >= 2,
      `heartbeats heard: ${JSON.stringify([...pings])}`,
    );
    hub.closeAll();
  });
});
