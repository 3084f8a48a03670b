import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApiServer } from '#api/server.js';
import type { TestApi } from './app.js';

/**
 * The API server as main.ts runs it (its fast paths in front of the app) and, beside it, the app
 * alone, each on a free 127.0.0.1 port: the same request to both must get the same answer.
 */
export interface ServerPair {
  fast: http.Server;
  fastBase: string;
  plainBase: string;
  /** Requests the fast server has handed to the app so far. */
  toApp(): number;
  close(): Promise<void>;
}

const listen = async (server: http.Server) => {
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

export async function startServerPair(api: TestApi): Promise<ServerPair> {
  let toApp = 0;
  const counted = new Proxy(api.app, {
    apply(target, thisArg, args) {
      toApp++;
      return Reflect.apply(target, thisArg, args);
    },
  }) as Express;
  const fast = createApiServer(counted, api.deps);
  const plain = http.createServer(api.app);
  plain.keepAliveTimeout = fast.keepAliveTimeout;
  const [fastBase, plainBase] = [await listen(fast), await listen(plain)];
  return {
    fast,
    fastBase,
    plainBase,
    toApp: () => toApp,
    async close() {
      for (const s of [fast, plain]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}

/**
 * A live stream's text with its reconnection delay checked and set aside: each stream draws its own (3–9 s), so two
 * answers to the same request are alike in everything else.
 */
export function withoutRetry(text: string): string {
  const delays = [...text.matchAll(/^retry: (\d+)$/gm)].map((m) => Number(m[1]));
  for (const ms of delays) if (ms < 3000 || ms >= 9000) throw new Error(`a reconnection delay of ${ms} ms`);
  return text.replace(/^retry: \d+$/gm, 'retry: …');
}
