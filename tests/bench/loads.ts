import http from 'node:http';
import autocannon from 'autocannon';
import { sleep } from './procs.js';

/** One autocannon run against every API process (connections are spread round-robin over urls). */
export interface CannonSpec {
  title: string;
  /** Base urls, one per API process (http://127.0.0.1:PORT). */
  bases: string[];
  method: 'GET' | 'POST';
  /** Path as the CLI would show it (also used as-is when `vary` is absent). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  duration: number;
  /** Requests per second over all connections (autocannon -R); absent = as fast as possible. */
  overallRate?: number;
  /** Per-request variation (different reader token, post or body); described by `varyNote`. */
  vary?: () => { path?: string; headers?: Record<string, string>; body?: string };
  varyNote?: string;
}

let current: autocannon.Instance | null = null;

/** Stops the running autocannon instance (SIGINT). */
export function stopCannon(): void {
  current?.stop();
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The equivalent autocannon command line, and the programmatic options without functions. */
export function describeCannon(spec: CannonSpec): string {
  const parts = ['npx autocannon', `-c ${spec.connections}`, `-d ${spec.duration}`];
  if (spec.overallRate) parts.push(`-R ${spec.overallRate}`);
  if (spec.method !== 'GET') parts.push(`-m ${spec.method}`);
  for (const [k, v] of Object.entries(spec.headers ?? {})) parts.push(`-H ${q(`${k}=${v}`)}`);
  if (spec.body !== undefined) parts.push(`-b ${q(spec.body)}`);
  for (const b of spec.bases) parts.push(`${b}${spec.path}`);
  let line = parts.join(' ');
  if (spec.vary) line += `\n    # per request (setupRequest, not expressible on the CLI): ${spec.varyNote ?? 'varied'}`;
  return line;
}

export async function runCannon(spec: CannonSpec): Promise<autocannon.Result> {
  const vary = spec.vary;
  const opts: autocannon.Options = {
    // autocannon accepts several urls and spreads connections over them round-robin.
    url: spec.bases.map((b) => `${b}${spec.path}`) as unknown as string,
    title: spec.title,
    connections: spec.connections,
    duration: spec.duration,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    timeout: 10,
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
    ...(vary
      ? {
          requests: [
            {
              setupRequest: (req: autocannon.Request) => {
                const v = vary();
                return {
                  ...req,
                  ...(v.path ? { path: v.path } : {}),
                  headers: { ...req.headers, ...v.headers },
                  ...(v.body !== undefined ? { body: v.body } : {}),
                };
              },
            },
          ],
        }
      : {}),
  };
  return new Promise((resolve, reject) => {
    const inst = autocannon(opts, (err, result) => {
      current = null;
      if (err) reject(err);
      else resolve(result);
    });
    current = inst;
  });
}

export interface Probe {
  /** POST → 202, ms. */
  accept: number[];
  /** POST sent → id seen in GET of the thread's first page, ms. */
  visible: number[];
  timeouts: number;
  errors: number;
}

/**
 * End-to-end visibility probe: every intervalMs (absolute schedule, bounded by durationMs) POSTs a
 * comment to its own post, then polls the first thread page (`?sort=newest&limit=20`) every pollMs
 * until the new id appears, up to timeoutMs. POSTs and polls alternate over the API processes,
 * so a poll often reads from another process than the one that accepted (cross-process invalidation).
 */
export async function runProbe(o: {
  bases: string[];
  siteId: string;
  postId: string;
  tokens: string[];
  durationMs: number;
  intervalMs: number;
  pollMs: number;
  timeoutMs: number;
  /**
   * The i-th probe's text: texts that differ (near-identical ones from several readers would be held
   * as a coordinated campaign and never show).
   */
  body: (i: number) => string;
}): Promise<Probe> {
  const out: Probe = { accept: [], visible: [], timeouts: 0, errors: 0 };
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  const maxProbes = Math.ceil(o.durationMs / o.intervalMs);
  let n = 0;
  const one = async (i: number) => {
    const base = o.bases[i % o.bases.length]!;
    const readBase = o.bases[(i + 1) % o.bases.length]!;
    const t0 = performance.now();
    try {
      const res = await fetch(`${base}/api/v1/sites/${o.siteId}/posts/${o.postId}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${o.tokens[i % o.tokens.length]}` },
        body: JSON.stringify({ body: o.body(i) }),
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      const body = (await res.json()) as { id?: string };
      if (res.status !== 202 || !body.id) {
        out.errors++;
        return;
      }
      out.accept.push(performance.now() - t0);
      const deadline = t0 + o.timeoutMs;
      for (let polls = 0; polls < 10_000 && performance.now() < deadline; polls++) {
        const r = await fetch(`${readBase}/api/v1/sites/${o.siteId}/posts/${o.postId}/comments?sort=newest&limit=20`, {
          signal: AbortSignal.timeout(o.timeoutMs),
        });
        const text = await r.text();
        if (r.status === 200 && text.includes(body.id)) {
          out.visible.push(performance.now() - t0);
          return;
        }
        await sleep(o.pollMs);
      }
      out.timeouts++;
    } catch {
      out.errors++;
    }
  };
  while (n < maxProbes) {
    const due = start + n * o.intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (performance.now() - start > o.durationMs) break;
    inflight.push(one(n++));
  }
  await Promise.all(inflight);
  return out;
}

export interface SteadyResult {
  /** Requests sent, and answered 2xx, non-2xx or not at all (a socket error or the 10 s timeout). */
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Answers by status code. */
  codes: Record<string, number>;
  /** Scheduled send → answer, ms, for every answered request. */
  latencies: number[];
  durationS: number;
}

/**
 * An open-loop load at a steady rate: request i is due at i / rate seconds and is sent then, however
 * the earlier ones fare, over at most `connections` keep-alive connections per API process (a request
 * due while all are busy waits for one, and that wait counts). Latency runs from the due time, so
 * queueing anywhere shows. autocannon's `-R` is not this: each of its connections sends its share of
 * the second back to back and then idles until the next second, so "200/s" arrives as one burst a second.
 */
export async function runSteady(o: {
  bases: string[];
  rate: number;
  durationS: number;
  connections: number;
  /** The i-th request (POST, JSON body). */
  next: (i: number) => { path: string; headers: Record<string, string>; body: string };
}): Promise<SteadyResult> {
  const agents = o.bases.map(() => new http.Agent({ keepAlive: true, maxSockets: o.connections }));
  const out: SteadyResult = { sent: 0, ok: 0, non2xx: 0, errors: 0, codes: {}, latencies: [], durationS: o.durationS };
  const total = Math.floor(o.rate * o.durationS);
  const start = performance.now();
  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const r = o.next(i);
      const url = new URL(r.path, o.bases[i % o.bases.length]);
      const req = http.request(
        url,
        {
          method: 'POST',
          agent: agents[i % agents.length],
          headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) },
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const code = String(res.statusCode ?? 0);
            out.codes[code] = (out.codes[code] ?? 0) + 1;
            if (code.startsWith('2')) out.ok++;
            else out.non2xx++;
            out.latencies.push(performance.now() - due);
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        out.errors++;
        resolve();
      });
      req.end(r.body);
    });
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    out.sent++;
    inflight.push(send(i, due));
  }
  await Promise.all(inflight);
  for (const a of agents) a.destroy();
  return out;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}
