import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the receiver does with the next request on a path: answer with a status, or never answer. */
export type Behaviour = number | 'hang';

/**
 * A publisher's webhook endpoint on 127.0.0.1: records every request and answers each path by
 * a script (`script(path, [500, 500, 200])`), then with its default (200).
 */
export async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, Behaviour[]>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body, at: Date.now() });
      const next = scripts.get(path)?.shift() ?? 200;
      if (next === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.writeHead(next, { 'Content-Type': 'text/plain' }).end(next < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path: string) => received.filter((r) => r.path === path),
    script: (path: string, behaviours: Behaviour[]) => void scripts.set(path, [...behaviours]),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
