import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { requestLog } from '#api/http/request-log.js';

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
  note?: string;
}

/** An app with the request log on a logger at `level`, and the lines it writes. */
function appLogging(level: string) {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)) as Line);
      cb();
    },
  });
  const logger = pino({ level }, sink);
  let childrenMade = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    childrenMade++;
    return child(...args);
  }) as typeof logger.child;
  const app = express();
  app.use(requestLog(logger));
  app.get('/ok', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/refused', (_req, res) => {
    res.status(422).json({ error: { code: 'refused', message: 'no' } });
  });
  app.get('/noted', (req, res) => {
    req.log.info({ note: 'inside' }, 'a handler line');
    res.json({ ok: true });
  });
  app.get('/hangs', () => {});
  app.post('/session', (_req, res) => {
    res.cookie('board', 'session-jwt-value', { httpOnly: true });
    res.setHeader('Authorization', 'Bearer answered-token');
    res.json({ ok: true });
  });
  app.get('/broken', (_req, res) => {
    res.status(503).json({ error: { code: 'unavailable', message: 'later' } });
  });
  // supertest's writes land on the sink after the response; wait for them.
  const settled = () => new Promise((resolve) => setImmediate(resolve));
  return { app, lines, settled, childrenMade: () => childrenMade };
}

describe('the request log', () => {
  it('when a request is refused, then one info line has its id, method, redacted URL, status and time; the id is answered', async () => {
    const { app, lines, settled } = appLogging('info');
    const res = await request(app).get('/refused?token=s3cret&page=2');
    await settled();
    assert.equal(res.status, 422);
    assert.equal(lines.length, 1);
    const [line] = lines as [Line];
    assert.equal(line.level, 30);
    assert.equal(line.msg, 'request completed');
    assert.deepEqual(line.req, {
      id: res.headers['x-request-id'],
      method: 'GET',
      url: '/refused?token=[redacted]&page=2',
    });
    assert.deepEqual(line.res, { statusCode: 422 });
    assert.ok(typeof line.responseTime === 'number' && line.responseTime >= 0);
  });

  it('when the caller sends a plain X-Request-Id, then it is kept; an unsafe one is replaced', async () => {
    const { app, lines, settled } = appLogging('debug');
    const kept = await request(app).get('/ok').set('X-Request-Id', 'edge-42.a_b');
    const replaced = await request(app).get('/ok').set('X-Request-Id', 'bad id\twith "quotes"');
    await settled();
    assert.equal(kept.headers['x-request-id'], 'edge-42.a_b');
    assert.match(replaced.headers['x-request-id']!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      lines.map((l) => [l.level, l.req?.id]),
      [
        [20, 'edge-42.a_b'],
        [20, replaced.headers['x-request-id']],
      ],
    );
  });

  it('when a line’s level is off, then nothing is written and no request logger is built', async () => {
    const { app, lines, settled, childrenMade } = appLogging('warn');
    assert.equal((await request(app).get('/ok')).status, 200);
    assert.equal((await request(app).get('/refused')).status, 422);
    await settled();
    assert.deepEqual(lines, []);
    assert.equal(childrenMade(), 0);
  });

  it('when a server error is answered, then it is logged as an error even with the level at warn', async () => {
    const { app, lines, settled } = appLogging('warn');
    await request(app).get('/broken');
    await settled();
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.res?.statusCode]),
      [[50, 'request completed', 503]],
    );
  });

  it('when a handler logs through req.log, then its line carries the request, as the final line does', async () => {
    const { app, lines, settled, childrenMade } = appLogging('debug');
    const res = await request(app).get('/noted');
    await settled();
    assert.deepEqual(
      lines.map((l) => [l.msg, l.note, l.req?.id, l.req?.url]),
      [
        ['a handler line', 'inside', res.headers['x-request-id'], '/noted'],
        ['request completed', undefined, res.headers['x-request-id'], '/noted'],
      ],
    );
    assert.equal(childrenMade(), 1, 'one request logger for both lines');
  });
  it('when an answer sets a cookie, then the line at debug has its status and none of its headers', async () => {
    const { app, lines, settled } = appLogging('debug');
    const res = await request(app).post('/session');
    await settled();
    assert.match(res.headers['set-cookie']![0]!, /session-jwt-value/);
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]!.res, { statusCode: 200 });
    const logged = JSON.stringify(lines);
    assert.ok(!logged.includes('session-jwt-value') && !logged.includes('answered-token'), logged);
  });

  it('when the caller goes away before the answer, then the line says the request was aborted', async () => {
    const { app, lines } = appLogging('debug');
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const req = http.get({ port, host: '127.0.0.1', path: '/hangs' });
      req.on('error', () => {});
      await new Promise((resolve) => setTimeout(resolve, 50));
      req.destroy();
      for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(
        lines.map((l) => [l.msg, l.req?.url]),
        [['request aborted', '/hangs']],
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
