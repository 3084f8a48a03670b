import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A service child process (API or worker) the bench started and must stop. */
export interface Child {
  name: string;
  kind: 'api' | 'worker' | 'load';
  proc: ChildProcess;
  pid: number;
  port: number;
  logFile: string;
  exited: Promise<number | null>;
}

const children = new Set<Child>();

/** A free TCP port on 127.0.0.1 (bound and released at once; good enough on a quiet machine). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The options production passes to node for the API and the worker (infra/Dockerfile; docs/operations.md). */
export const SERVICE_NODE_OPTIONS: readonly string[] = ['--no-regexp-tier-up'];

/** Spawns `node --import tsx <entry>` with env (API and worker with SERVICE_NODE_OPTIONS); stdout/stderr go to logFile. */
export function startChild(o: {
  name: string;
  kind: 'api' | 'worker' | 'load';
  entry: string;
  env: NodeJS.ProcessEnv;
  port: number;
  logDir: string;
  cwd: string;
  nodeArgs?: string[];
  /** Open-file limit to run with (ulimit -n, up to the hard limit), for processes holding many sockets. */
  nofile?: number;
  /** An IPC channel to the child (process.send / 'message'). */
  ipc?: boolean;
}): Child {
  const logFile = path.join(o.logDir, `${o.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const service = o.kind === 'load' ? [] : SERVICE_NODE_OPTIONS;
  const args = [...service, ...(o.nodeArgs ?? []), '--import', 'tsx', o.entry];
  const stdio: ('ignore' | 'pipe' | 'ipc')[] = ['ignore', 'pipe', 'pipe', ...(o.ipc ? (['ipc'] as const) : [])];
  // sh raises the limit, then exec keeps its pid for node.
  const proc = o.nofile
    ? spawn('/bin/sh', ['-c', 'ulimit -n "$0" && exec "$@"', String(o.nofile), process.execPath, ...args], {
        cwd: o.cwd,
        env: o.env,
        stdio,
      })
    : spawn(process.execPath, args, { cwd: o.cwd, env: o.env, stdio });
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  if (proc.pid === undefined) throw new Error(`could not start ${o.name}`);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const child: Child = { name: o.name, kind: o.kind, proc, pid: proc.pid, port: o.port, logFile, exited };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** Polls url until it answers 200 (bounded by timeoutMs); fails early if the child exits. */
export async function waitHealthy(child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void child.exited.then(() => {
    dead = true;
  });
  while (Date.now() < deadline) {
    if (dead) await sleep(300); // let the log stream flush
    if (dead) throw new Error(`${child.name} exited during start-up; see ${child.logFile}:\n${tail(child.logFile)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(
    `${child.name} not healthy at ${url} after ${timeoutMs} ms; see ${child.logFile}:\n${tail(child.logFile)}`,
  );
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** SIGTERM, then SIGKILL after graceMs, for the given children (by pid, only ours). */
export async function stopChildren(list: Child[] = [...children], graceMs = 5000): Promise<void> {
  await Promise.all(
    list.map(async (c) => {
      if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
      c.proc.kill('SIGTERM');
      const timer = setTimeout(() => c.proc.kill('SIGKILL'), graceMs);
      await c.exited;
      clearTimeout(timer);
    }),
  );
}

/** Last resort, synchronous (process 'exit' handler): SIGKILL whatever is still running. */
export function killAllNow(): void {
  for (const c of children) {
    try {
      if (c.proc.exitCode === null && c.proc.signalCode === null) process.kill(c.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export const liveChildren = (): Child[] => [...children];

/** The hard limit of open files this process (and so its children) may raise itself to. */
export function hardFileLimit(): number {
  try {
    const m = /Max open files\s+\S+\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m?.[1] === 'unlimited' ? 1_048_576 : Number(m?.[1] ?? 1024);
  } catch {
    return 1024;
  }
}

/** VmRSS of a process, in kB (0 if gone). */
export const rssOf = (pid: number): number => rssKb(pid);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Resource sampling from /proc: peak RSS per child and CPU time per group during a window.

const CLK_TCK = 100; // USER_HZ on Linux x86-64

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** utime+stime of a process in seconds (0 if gone). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is state (field 3); utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** pids whose command name is one of names (postgres backends, redis-server). */
function pidsByComm(names: string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (names.some((n) => comm.startsWith(n))) out.push(Number(entry));
    } catch {
      /* raced with exit */
    }
  }
  return out;
}

/** Busy ticks (all but idle and iowait) of the whole machine. */
function machineBusyTicks(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return total - (v[3] ?? 0) - (v[4] ?? 0);
  } catch {
    return 0;
  }
}

export interface ResourceReport {
  /** Peak RSS in MB of the busiest process of each kind, and the sum over processes at that kind's peak sample. */
  apiRssMb: number;
  apiRssTotalMb: number;
  workerRssMb: number;
  workerRssTotalMb: number;
  /** Average cores used over the window. */
  cpu: {
    api: number;
    worker: number;
    postgres: number;
    redis: number;
    bench: number;
    total: number;
    machine: number;
    other: number;
  };
}

/**
 * Samples RSS of our children every intervalMs while running; at stop() returns peaks and the CPU
 * each group used (cores = CPU seconds / wall seconds). Postgres and Redis are found by process name
 * at start (pooled connections are long-lived, so their backends exist for the whole window).
 */
export function startSampler(intervalMs = 200): { stop(): ResourceReport } {
  const t0 = performance.now();
  const benchCpu0 = process.cpuUsage();
  const machine0 = machineBusyTicks();
  const kids = liveChildren();
  const pg = pidsByComm(['postgres', 'pgbouncer']);
  const redis = pidsByComm(['redis-server']);
  const cpu0 = new Map<number, number>();
  for (const pid of [...kids.map((k) => k.pid), ...pg, ...redis]) cpu0.set(pid, cpuSeconds(pid));
  const peak = { api: 0, apiTotal: 0, worker: 0, workerTotal: 0 };
  const sample = () => {
    let apiTotal = 0;
    let workerTotal = 0;
    for (const k of kids) {
      const kb = rssKb(k.pid);
      if (k.kind === 'api') {
        apiTotal += kb;
        peak.api = Math.max(peak.api, kb);
      } else if (k.kind === 'worker') {
        workerTotal += kb;
        peak.worker = Math.max(peak.worker, kb);
      }
    }
    peak.apiTotal = Math.max(peak.apiTotal, apiTotal);
    peak.workerTotal = Math.max(peak.workerTotal, workerTotal);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const wall = (performance.now() - t0) / 1000;
      const used = (pids: number[]) =>
        pids.reduce((s, pid) => s + Math.max(0, cpuSeconds(pid) - (cpu0.get(pid) ?? 0)), 0);
      // Backends that connected during the window count whole (they started inside it).
      const pgAll = [...new Set([...pg, ...pidsByComm(['postgres', 'pgbouncer'])])];
      const b = process.cpuUsage(benchCpu0);
      const cpu = {
        api: used(kids.filter((k) => k.kind === 'api').map((k) => k.pid)) / wall,
        worker: used(kids.filter((k) => k.kind === 'worker').map((k) => k.pid)) / wall,
        postgres: used(pgAll) / wall,
        redis: used(redis) / wall,
        bench: (b.user + b.system) / 1e6 / wall,
        total: 0,
        machine: (machineBusyTicks() - machine0) / CLK_TCK / wall,
        other: 0,
      };
      cpu.total = cpu.api + cpu.worker + cpu.postgres + cpu.redis + cpu.bench;
      // Everything else busy on the machine meanwhile (other test runs, the kernel's own work).
      cpu.other = Math.max(0, cpu.machine - cpu.total);
      const mb = (kb: number) => Math.round(kb / 1024);
      return {
        apiRssMb: mb(peak.api),
        apiRssTotalMb: mb(peak.apiTotal),
        workerRssMb: mb(peak.worker),
        workerRssTotalMb: mb(peak.workerTotal),
        cpu,
      };
    },
  };
}
