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

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}
