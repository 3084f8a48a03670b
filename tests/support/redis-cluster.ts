import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { exited, freePort } from './processes.js';
import { waitFor } from './wait-for.js';

const SLOTS = 16384;

export interface TestRedisCluster {
  /** `redis+cluster://…` naming only the first node: the others are discovered. */
  url: string;
  ports: number[];
  /** A plain connection to each master, for looking at where keys went. */
  nodes: Redis[];
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster of `masters` redis-server processes on free ports, in a temporary
 * directory, no persistence: slots split evenly with CLUSTER ADDSLOTSRANGE, nodes joined with
 * CLUSTER MEET, ready when every node reports cluster_state:ok.
 */
export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-cluster-'));
  const procs: ChildProcess[] = [];
  const ports: number[] = [];
  const busPorts: number[] = [];
  const nodes: Redis[] = [];
  const stop = async () => {
    await Promise.allSettled(nodes.map((n) => n.quit()));
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await Promise.all(procs.map((p) => exited(p)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      const bus = await freePort();
      ports.push(port);
      busPorts.push(bus);
      const proc = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--cluster-port',
          String(bus),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '5000',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--protected-mode',
          'no',
          '--loglevel',
          'warning',
        ],
        { stdio: 'ignore' },
      );
      procs.push(proc);
    }
    for (const port of ports) {
      const node = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        retryStrategy: (n) => (n > 50 ? null : 100),
      });
      node.on('error', () => undefined);
      await waitFor(
        async () =>
          node.connect().then(
            () => true,
            () => false,
          ),
        { timeoutMs: 10_000, what: `redis-server on ${port}` },
      );
      nodes.push(node);
    }
    const per = Math.ceil(SLOTS / masters);
    await Promise.all(
      nodes.map((n, i) =>
        n.call('CLUSTER', 'ADDSLOTSRANGE', String(i * per), String(Math.min(SLOTS, (i + 1) * per) - 1)),
      ),
    );
    for (let i = 1; i < masters; i++)
      await nodes[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(ports[i]), String(busPorts[i]));
    await waitFor(
      async () => {
        const infos = await Promise.all(nodes.map((n) => n.call('CLUSTER', 'INFO') as Promise<string>));
        return infos.every(
          (info) => info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${masters}`),
        );
      },
      { timeoutMs: 20_000, what: 'the cluster to be ok on every node' },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis+cluster://127.0.0.1:${ports[0]}`, ports, nodes, stop };
}
