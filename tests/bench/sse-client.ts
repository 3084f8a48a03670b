/**
 * The live-readers load generator (bench load l), a process of its own: opens SSE_STREAMS raw
 * HTTP/1.1 connections to GET SSE_PATH, spread over SSE_BASES (comma-separated host:port), in
 * waves of 500 — or, with SSE_H2_PER_CONNECTION = k, SSE_STREAMS HTTP/2 streams (h2c, k to a
 * connection, as a load balancer multiplexes readers onto its upstream connections) — and records when each stream receives each `event: comments` frame (wall clock,
 * ms, so it compares with Postgres timestamps on this machine). Talks to the bench over IPC:
 * sends {opened, failed} once all have answered, and {received} (per stream, receipt times) when asked.
 */
import http2 from 'node:http2';
import net from 'node:net';

const bases = (process.env.SSE_BASES ?? '').split(',').map((b) => {
  const [host = '127.0.0.1', port = '0'] = b.split(':');
  return { host, port: Number(port) };
});
const total = Number(process.env.SSE_STREAMS ?? 0);
const path = process.env.SSE_PATH ?? '/';
const MARK = 'event: comments';

const perConnection = Number(process.env.SSE_H2_PER_CONNECTION ?? 0);

const received: number[][] = [];
const sockets: { destroy(): void }[] = [];
let opened = 0;
let failed = 0;

/**
 * Stream i's bookkeeping: `done(ok)` counts it opened or failed (once) and settles `settled`; `data(chunk)`
 * records the receipt time of every `event: comments` frame, one that spans two chunks included.
 */
function tracker(i: number, settledAs: () => void) {
  const times: number[] = [];
  received[i] = times;
  let settled = false;
  let carry = '';
  return {
    get settled() {
      return settled;
    },
    done(ok: boolean) {
      if (settled) return;
      settled = true;
      if (ok) opened++;
      else failed++;
      settledAs();
    },
    /** The text so far's tail and this chunk, for the caller's own look at the start of the answer. */
    data(chunk: string): string {
      const now = Date.now();
      const text = carry + chunk;
      for (let at = text.indexOf(MARK); at !== -1; at = text.indexOf(MARK, at + MARK.length)) times.push(now);
      carry = text.slice(-MARK.length + 1);
      return text;
    },
  };
}

/** Stream i on a connection of its own (HTTP/1.1, raw socket). */
function open(i: number): Promise<void> {
  const base = bases[i % bases.length]!;
  return new Promise((resolve) => {
    const t = tracker(i, resolve);
    const s = net.connect(base.port, base.host, () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: ${base.host}:${base.port}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    s.setEncoding('latin1');
    s.on('data', (chunk: string) => {
      const wasSettled = t.settled;
      const text = t.data(chunk);
      if (!wasSettled) t.done(text.startsWith('HTTP/1.1 200'));
    });
    s.on('error', () => t.done(false));
    s.on('close', () => t.done(false));
    sockets.push(s);
  });
}

/** Stream i on a shared HTTP/2 connection. */
function openH2(session: http2.ClientHttp2Session, i: number): Promise<void> {
  return new Promise((resolve) => {
    const t = tracker(i, resolve);
    const s = session.request({ ':method': 'GET', ':path': path, accept: 'text/event-stream' });
    s.setEncoding('latin1');
    s.once('response', (h) => t.done(h[':status'] === 200));
    s.on('data', (chunk: string) => void t.data(chunk));
    s.on('error', () => t.done(false));
    s.on('close', () => t.done(false));
  });
}

if (perConnection > 0) {
  for (let i = 0, c = 0; i < total; i += perConnection, c++) {
    const base = bases[c % bases.length]!;
    const session = http2.connect(`http://${base.host}:${base.port}`);
    session.on('error', () => undefined);
    sockets.push(session);
    await Promise.all(Array.from({ length: Math.min(perConnection, total - i) }, (_, j) => openH2(session, i + j)));
  }
} else {
  for (let i = 0; i < total; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, total - i) }, (_, j) => open(i + j)));
  }
}
process.send?.({ type: 'opened', opened, failed });
process.on('message', (m: { type: string }) => {
  if (m.type === 'report') process.send?.({ type: 'received', received });
  if (m.type === 'stop') {
    for (const s of sockets) s.destroy();
    process.exit(0);
  }
});
