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
    const hub = createThreadEvents();
    const heard: string[] = [];
    let closed = 0;
    const listener = (name: string) => ({
      onChange: () => {
        heard.push(name);
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
    removeA();
    removeA();
    assert.equal(hub.openCount(), 2);
    assert.equal(hub.openCount('10.0.0.1'), 1);
    heard.length = 0;
    hub.publishAll();
    assert.deepEqual(heard.sort(), ['b', 'c']);
    hub.closeAll();
    assert.equal(closed, 2);
  });
});
