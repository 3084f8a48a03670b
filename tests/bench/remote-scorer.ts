/**
 * Load e: the pipeline with a remote scorer. The bench site scores with `perspective` only, and
 * the worker's Perspective endpoint is a fake on 127.0.0.1 that answers every request after
 * 100 ms. One run per PERSPECTIVE_RATE, plus one at the highest rate with twice the worker
 * concurrency: jobs are added to the paused queue (as the API adds them), the queue resumes, and
 * comments stored per second are counted over the window. Throughput should be the rate while the
 * rate is below what the worker slots can carry (slots / time per job, which is the scorer's
 * 100 ms plus the rest of the pipeline), and grow with the slots once it is not.
 */
import type { Queue } from 'bullmq';
import type { Pool } from '#shared/db/pool.js';
import { newId } from '#shared/ids.js';
import { commentJobId, commentJobOptions, type CommentJob } from '#shared/queues.js';
import { PERSPECTIVE_PATH, startFakePerspective } from '../support/fake-scorers.js';
import { sleep, startSampler, type ResourceReport } from './procs.js';
import type { Reader } from './seed.js';

export interface RemoteScorerLoadDeps {
  pool: Pool;
  queue: Queue<CommentJob>;
  siteId: string;
  readers: Reader[];
  posts: string[];
  /** A comment as readers write them (each different: the repeat and campaign rules are on). */
  body(): string;
  /** PERSPECTIVE_RATE values (requests per second) to run at. */
  rates: number[];
  duration: number;
  workerCount: number;
  concurrency: number;
  /** Restarts the worker processes with this extra environment (and waits until they are healthy). */
  restartWorkers(env: Record<string, string>): Promise<void>;
  emptyQueue(): Promise<number>;
  persistedOn(posts: string[]): Promise<number>;
  log(msg: string): void;
}

export interface RemoteScorerRun {
  rate: number;
  concurrency: number;
  /** min(rate, slots / scorer latency): what the run could reach if the rest of the pipeline took no time. */
  bound: number;
  /** Mean time a job held a worker slot (Little's law: slots / throughput), ms. */
  jobMs: number;
  storedPerSecond: number;
  stored: number;
  seconds: number;
  requests: number;
  deferrals: number;
  res: ResourceReport;
}

const LATENCY_MS = 100;

export async function loadRemoteScorer(d: RemoteScorerLoadDeps): Promise<{ runs: RemoteScorerRun[]; command: string }> {
  const fake = await startFakePerspective({ apiKey: 'bench-key' });
  fake.setDefault({ kind: 'ok', delayMs: LATENCY_MS });
  const before = (await d.pool.query<{ settings: unknown }>('SELECT settings FROM sites WHERE id = $1', [d.siteId]))
    .rows[0]!.settings;
  const runs: RemoteScorerRun[] = [];
  try {
    await d.pool.query(
      `UPDATE sites SET settings = settings || '{"scorers":["perspective"],"onScorerUnavailable":"hold"}'::jsonb,
                               settings_version = settings_version + 1 WHERE id = $1`,
      [d.siteId],
    );
    const plan = [
      ...d.rates.map((rate) => ({ rate, concurrency: d.concurrency })),
      { rate: Math.max(...d.rates), concurrency: d.concurrency * 2 },
    ];
    for (const { rate, concurrency } of plan) {
      await d.restartWorkers({
        PERSPECTIVE_API_KEY: 'bench-key',
        PERSPECTIVE_URL: `${fake.url}${PERSPECTIVE_PATH}`,
        PERSPECTIVE_RATE: `${rate}/1`,
        WORKER_CONCURRENCY: String(concurrency),
      });
      await d.emptyQueue();
      const slots = d.workerCount * concurrency;
      const bound = Math.min(rate, (slots * 1000) / LATENCY_MS);
      // Enough jobs that the queue never runs dry within the window.
      const jobs = Math.ceil(bound * d.duration * 1.5) + 200;
      const p0 = await d.persistedOn(d.posts);
      await d.queue.pause();
      for (let i = 0; i < jobs; i += 1000) {
        await d.queue.addBulk(
          Array.from({ length: Math.min(1000, jobs - i) }, (_, j) => {
            const id = newId();
            const data: CommentJob = {
              commentId: id,
              siteId: d.siteId,
              postId: d.posts[(i + j) % d.posts.length]!,
              authorId: d.readers[(i + j) % d.readers.length]!.userId,
              parentId: null,
              body: d.body(),
              acceptedAt: new Date().toISOString(),
            };
            return {
              name: 'moderate',
              data,
              opts: { ...commentJobOptions({ attempts: 30 }), jobId: commentJobId(id) },
            };
          }),
        );
      }
      const sampler = startSampler();
      await d.queue.resume();
      // Skip the first second (workers filling their slots), then count over the window.
      await sleep(1000);
      const s0 = await d.persistedOn(d.posts);
      const r0 = fake.requests.length;
      const t0 = performance.now();
      await sleep(d.duration * 1000);
      const stored = (await d.persistedOn(d.posts)) - s0;
      const seconds = (performance.now() - t0) / 1000;
      const requests = fake.requests.length - r0;
      const res = sampler.stop();
      const delayed = await d.queue.getDelayedCount();
      await d.emptyQueue();
      const storedPerSecond = stored / seconds;
      const run: RemoteScorerRun = {
        rate,
        concurrency,
        bound,
        jobMs: (slots * 1000) / storedPerSecond,
        storedPerSecond,
        stored,
        seconds,
        requests,
        deferrals: delayed,
        res,
      };
      runs.push(run);
      d.log(
        `  e @ ${rate}/s, concurrency ${concurrency}: ${Math.round(storedPerSecond)} comments/s stored; fake saw ${Math.round(requests / seconds)} req/s; ` +
          `${Math.round(run.jobMs)} ms per job per slot; ${delayed} jobs delayed at the end; ${(await d.persistedOn(d.posts)) - p0 - stored} stored outside the window`,
      );
    }
  } finally {
    await d.pool.query('UPDATE sites SET settings = $2, settings_version = settings_version + 1 WHERE id = $1', [
      d.siteId,
      before,
    ]);
    await d.restartWorkers({});
    await fake.close();
  }
  const command =
    `per rate R in {${d.rates.join(', ')}} (WORKER_CONCURRENCY ${d.concurrency}) and R=${Math.max(...d.rates)} with WORKER_CONCURRENCY ${d.concurrency * 2}: ` +
    `workers restarted with PERSPECTIVE_URL=<fake on 127.0.0.1, answers after ${LATENCY_MS} ms> PERSPECTIVE_RATE=R/1; ` +
    `site settings {"scorers":["perspective"]}; queue.pause(); queue.addBulk(≈1.5 × bound × ${d.duration} s jobs); queue.resume(); after 1 s, stored comments counted over ${d.duration} s`;
  return { runs, command };
}
