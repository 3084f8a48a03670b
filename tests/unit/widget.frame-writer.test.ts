import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { changeFrame, createThreadEvents, FrameWriter } from '#api/widget/thread-events.js';
import { waitFor } from '../support/wait-for.js';

/** A live-update stream whose reader stops reading, over a real HTTP connection. */
describe('live-update frames to a client that stops reading', () => {
  const hub = createThreadEvents({ heartbeatMs: 60_000 });
  let server: http.Server;
  let opened: http.ServerResponse | undefined;
  before(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.flushHeaders();
      const writer = new FrameWriter(res);
      res.once('close', hub.add('s', 'p', 'ip', { send: (f) => writer.send(f), close: () => res.end() }));
      opened = res;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    hub.closeAll();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('when the client stops reading, then the server buffers at most a socket’s worth and, once it reads again, it gets the latest kinds of frame', async () => {
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<http.IncomingMessage>((r) => http.get(`http://127.0.0.1:${port}/`, r));
    answer.pause();
    await waitFor(() => opened, { what: 'the stream opened' });
    const res = opened!;
    const comments = changeFrame({ siteId: 's', postId: 'p', post: false });
    // Fill what the kernel takes of the connection, until the stream has to wait for its reader.
    for (let i = 0; i < 2_000_000 && !res.writableNeedDrain; i++)
      hub.publish({ siteId: 's', postId: 'p', post: false });
    assert.ok(res.writableNeedDrain, 'the reader has stopped taking frames');
    const waiting = res.writableLength;
    for (let i = 0; i < 100_000; i++) hub.publish({ siteId: 's', postId: 'p', post: false });
    hub.publish({ siteId: 's', postId: 'p', post: true });
    assert.equal(res.writableLength, waiting, '100,000 more announcements buffered nothing more');

    let text = '';
    answer.setEncoding('utf8');
    answer.on('data', (chunk: string) => {
      text += chunk;
    });
    answer.resume();
    const post = changeFrame({ siteId: 's', postId: 'p', post: true });
    await waitFor(() => text.endsWith(post), { what: 'the post frame held while the client was not reading' });
    // What was held is written once each, in order: one comments frame, then the post frame.
    assert.ok(text.endsWith(comments + post));
    assert.equal(text.split(post).length - 1, 1);
  });
});
