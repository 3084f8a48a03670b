import { randomUUID } from 'node:crypto';
import { sleep } from '../../bench/procs.js';

/**
 * Signed-in readers posting at a steady pace, each comment sent the way the widget sends it: one
 * Idempotency-Key per comment, kept across its retries. A network error, a timeout or a 5xx is
 * retried with the same key after a capped, jittered backoff (honouring a short Retry-After); a
 * comment counts as accepted only when a 202 came back, and the id of that 202 is what the ledger
 * holds Postgres to.
 */

export interface LoadReader {
  siteId: string;
  postId: string;
  token: string;
  /** Short tag that makes every body of this reader unique (with the comment's number). */
  tag: string;
}

export interface SentComment {
  key: string;
  body: string;
  siteId: string;
  /** When the first attempt was sent. */
  firstSentAt: number;
  attempts: number;
  /** Id of the 202, once one came back. */
  id?: string;
  /** When the 202 came back, and when the attempt that got it was sent. */
  ackAt?: number;
  ackAttemptAt?: number;
  /** Given up: no 202 before the load's deadline (the client was never told it was accepted). */
  gaveUp?: boolean;
  /** Refused with a 4xx (not retried, as the widget shows it to the reader). */
  refused?: { status: number; body: string };
}

export interface LoadStats {
  sent: number;
  accepted: number;
  retries: number;
  networkErrors: number;
  serverErrors: number;
  refused: number;
  gaveUp: number;
}

export interface Load {
  comments: SentComment[];
  stats(): LoadStats;
  /** Accepted comments (202) whose answer came back in [from, to). */
  acceptedBetween(from: number, to: number): number;
  /**
   * Closed-loop burst: `concurrency` readers post back to back for ms (on top of the steady pace);
   * returns the 202s per second over the window.
   */
  burst(ms: number, concurrency: number): Promise<number>;
  /** Stops starting new comments; resolves when every comment in flight got its 202 or was given up. */
  stop(): Promise<void>;
}

// Short and varied: under 40 characters, so no two look like a campaign to the coordinated rule;
// the tag makes each one unique, so the repeat rule never sees one twice.
const PHRASES = [
  'Fair point, thanks',
  'I see it differently',
  'Good reporting here',
  'Worth reading twice',
  'Not sure about this',
  'Well put',
];

const POST_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 2000;
/** How long after stop() a comment may still be retried before the reader gives up. */
const GIVE_UP_AFTER_STOP_MS = 45_000;

export function startLoad(o: { apiUrl: string; readers: LoadReader[]; intervalMs: number }): Load {
  const comments: SentComment[] = [];
  const counters = { retries: 0, networkErrors: 0, serverErrors: 0 };
  let stopping = false;
  let giveUpAt = Infinity;
  let seq = 0;

  async function postOne(r: LoadReader): Promise<void> {
    const n = ++seq;
    const c: SentComment = {
      key: randomUUID(),
      body: `${PHRASES[n % PHRASES.length]} (${r.tag} n${n})`,
      siteId: r.siteId,
      firstSentAt: Date.now(),
      attempts: 0,
    };
    comments.push(c);
    for (;;) {
      c.attempts++;
      const attemptAt = Date.now();
      let retryAfterMs = 0;
      try {
        const res = await fetch(`${o.apiUrl}/api/v1/sites/${r.siteId}/posts/${r.postId}/comments`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${r.token}`, 'Idempotency-Key': c.key },
          body: JSON.stringify({ body: c.body }),
          signal: AbortSignal.timeout(POST_TIMEOUT_MS),
        });
        const text = await res.text();
        if (res.status === 202) {
          c.id = (JSON.parse(text) as { id: string }).id;
          c.ackAt = Date.now();
          c.ackAttemptAt = attemptAt;
          return;
        }
        if (res.status < 500) {
          c.refused = { status: res.status, body: text.slice(0, 300) };
          return;
        }
        counters.serverErrors++;
        retryAfterMs = Math.min(BACKOFF_MAX_MS, Number(res.headers.get('retry-after') ?? 0) * 1000 || 0);
      } catch {
        counters.networkErrors++; // refused, reset, or no answer within POST_TIMEOUT_MS
      }
      if (Date.now() >= giveUpAt) {
        c.gaveUp = true;
        return;
      }
      counters.retries++;
      const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(c.attempts - 1, 10));
      await sleep(Math.max(retryAfterMs, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }

  // Each reader posts, waits for the 202 (or gives up), then posts again at its pace: a reader
  // does not write the next comment while the last one is still "Posting…".
  const loops = o.readers.map(async (r, i) => {
    await sleep((o.intervalMs * i) / o.readers.length);
    while (!stopping) {
      const started = Date.now();
      await postOne(r);
      const wait = o.intervalMs * (0.8 + Math.random() * 0.4) - (Date.now() - started);
      if (wait > 0 && !stopping) await sleep(wait);
    }
  });

  const load: Load = {
    comments,
    stats() {
      return {
        sent: comments.length,
        accepted: comments.filter((c) => c.id !== undefined).length,
        retries: counters.retries,
        networkErrors: counters.networkErrors,
        serverErrors: counters.serverErrors,
        refused: comments.filter((c) => c.refused).length,
        gaveUp: comments.filter((c) => c.gaveUp).length,
      };
    },
    acceptedBetween: (from, to) =>
      comments.filter((c) => c.ackAt !== undefined && c.ackAt >= from && c.ackAt < to).length,
    async burst(ms, concurrency) {
      const t0 = Date.now();
      const end = t0 + ms;
      await Promise.all(
        Array.from({ length: concurrency }, async (_, i) => {
          const r = o.readers[i % o.readers.length]!;
          while (Date.now() < end) await postOne(r);
        }),
      );
      return load.acceptedBetween(t0, end) / (ms / 1000);
    },
    async stop() {
      stopping = true;
      giveUpAt = Date.now() + GIVE_UP_AFTER_STOP_MS;
      await Promise.all(loops);
    },
  };
  return load;
}
