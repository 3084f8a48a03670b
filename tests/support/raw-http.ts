import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';

/**
 * HTTP without a client library's help: headers may repeat (supertest and fetch merge them),
 * paths and header values may carry raw bytes 0x80–0xFF (not UTF-8), and event streams are
 * cut after their first bytes. `rawSocket` sends bytes no HTTP client would.
 */

export interface RawRequest {
  method: string;
  /** Sent as is; characters U+0080–U+00FF go out as single (latin1) bytes. */
  path: string;
  /** In order; a name may appear more than once. */
  headers?: [string, string][];
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RawClient {
  send(r: RawRequest): Promise<RawResponse>;
  close(): void;
}

export function rawClient(base: string, timeoutMs = 20_000): RawClient {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  return {
    close: () => agent.destroy(),
    send: (r) =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of r.headers ?? []) {
          const key = k.toLowerCase();
          const prev = headers[key];
          headers[key] = prev === undefined ? v : ([] as string[]).concat(prev, v);
        }
        if (r.body) {
          headers['content-length'] = String(r.body.length);
          // An answer given before the body was read (413, 415, 401) may leave its bytes on the socket.
          headers.connection = 'close';
        }
        let req: http.ClientRequest;
        try {
          req = http.request({
            host: url.hostname,
            port: url.port,
            method: r.method,
            path: r.path,
            headers,
            agent,
            timeout: timeoutMs,
          });
        } catch (err) {
          reject(err);
          return;
        }
        let answered = false;
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', (err) => {
          if (!answered) reject(err);
        });
        req.on('response', (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          const done = () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            });
          if (/event-stream/.test(String(res.headers['content-type']))) {
            // A live stream never ends by itself: take what arrives first, then hang up.
            const cut = setTimeout(() => {
              res.destroy();
              done();
            }, 150);
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('close', () => {
              clearTimeout(cut);
              done();
            });
            return;
          }
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', done);
          res.on('error', done);
        });
        req.end(r.body);
      }),
  };
}

/** Writes raw bytes on a fresh connection (send `Connection: close`) and returns whatever comes back before it closes (or timeoutMs passes). */
export function rawSocket(base: string, bytes: Buffer | string, timeoutMs = 5000): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(bytes));
    const finish = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(() => {
      socket.destroy();
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', finish);
  });
}

/** The status of the first response in raw bytes read off a socket (0 when nothing came back). */
export const statusOf = (raw: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0);
