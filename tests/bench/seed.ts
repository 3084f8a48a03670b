import pg from 'pg';
import { SignJWT } from 'jose';
import { migrate } from '#admin/migrate.js';
import type { Pool } from '#shared/db/pool.js';
import { insertSite } from '#shared/db/sites.js';
import { insertApiKey } from '#shared/db/api-keys.js';
import { API_KEY_SCOPES, generateApiKey, generateSsoSecret } from '#shared/secrets.js';

/** Drops and recreates the bench database, then applies the migrations. */
export async function recreateDatabase(serverUrl: string, dbName: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  await migrate(url.toString());
  return url.toString();
}

export async function dropDatabase(serverUrl: string, dbName: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

const syllables = ['zor', 'blik', 'quan', 'vex', 'trum', 'plov', 'snir', 'gad', 'wum', 'frel'];
const madeUp = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `${syllables[i % 10]}${syllables[Math.floor(i / 10) % 10]}${syllables[Math.floor(i / 100) % 10]}`,
  );
/** Settings of the bench site: every rule active, 300 banned and 300 suspect entries, 100 denied domains. */
export const BENCH_SETTINGS = {
  bannedWords: madeUp(300),
  suspectWords: madeUp(600).slice(300),
  links: {
    holdBelowApproved: 2,
    allowDomains: ['example.org'],
    denyDomains: Array.from({ length: 100 }, (_, i) => `spam${i}.example`),
  },
  premod: 'new',
  premodNewCount: 0,
  repeat: { windowSeconds: 600 },
  coordinated: { accounts: 3, windowSeconds: 600, similarity: 0.9 },
  history: { rejectRate: 0.3, windowDays: 7, trustedAfter: 20 },
};

export interface BenchSite {
  siteId: string;
  apiKey: string;
  ssoSecret: string;
}

/** A site with an all-scopes API key, as `npm run admin -- sites:create` makes it. */
export async function createSite(db: Pool, siteId: string): Promise<BenchSite> {
  const ssoSecret = generateSsoSecret();
  await insertSite(db, { id: siteId, name: 'Bench Gazette', origins: ['http://127.0.0.1:8080'], ssoSecret });
  // Every rule on, with lists the size a busy newsroom keeps (none of these words occur in bench comments).
  await db.query('UPDATE sites SET settings = $2 WHERE id = $1', [siteId, JSON.stringify(BENCH_SETTINGS)]);
  const key = generateApiKey();
  await insertApiKey(db, {
    id: key.id,
    siteId,
    label: 'bench',
    secretHash: key.secretHash,
    scopes: [...API_KEY_SCOPES],
  });
  return { siteId, apiKey: key.key, ssoSecret };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Registers posts through the publisher API (PUT with the API key). */
export async function registerPosts(base: string, site: BenchSite, postIds: string[]): Promise<void> {
  await mapLimit(postIds, 8, async (id) => {
    const res = await fetch(`${base}/api/v1/sites/${site.siteId}/posts/${id}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${site.apiKey}` },
      body: JSON.stringify({ title: `Bench article ${id}`, url: `https://news.example/${id}` }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status !== 201 && res.status !== 200) throw new Error(`PUT post ${id}: ${res.status} ${text}`);
  });
}

export interface Reader {
  userId: string;
  token: string;
}

/** Signs n distinct readers in through publisher SSO (POST /auth/sso), as a site's readers would. */
export async function signInReaders(base: string, site: BenchSite, n: number): Promise<Reader[]> {
  const key = new TextEncoder().encode(site.ssoSecret);
  const now = Math.floor(Date.now() / 1000);
  return mapLimit(
    Array.from({ length: n }, (_, i) => i),
    16,
    async (i) => {
      const sso = await new SignJWT({ name: `Reader ${i}` })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(`bench-reader-${i}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(key);
      const res = await fetch(`${base}/api/v1/auth/sso`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ siteId: site.siteId, token: sso }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as { accessToken?: string; user?: { id: string } };
      if (res.status !== 200 || !body.accessToken || !body.user)
        throw new Error(`sso sign-in ${i}: ${res.status} ${JSON.stringify(body)}`);
      return { userId: body.user.id, token: body.accessToken };
    },
  );
}

/**
 * SQL for a UUIDv7-like id from a millisecond timestamp `ms` and a row number `g`:
 * 48-bit big-endian ms, version nibble 7, variant bits 10, the rest from md5 (pseudo-random).
 * Ids therefore sort by creation time, as the API's uuid v7 ids do.
 */
const UUID7_LATERAL = (ms: string, g: string, salt: string) => `
  CROSS JOIN LATERAL (SELECT lpad(to_hex(${ms}), 12, '0') AS t, md5(${g}::text || ${salt}) AS r) h
  CROSS JOIN LATERAL (SELECT (substr(h.t, 1, 8) || '-' || substr(h.t, 9, 4) || '-7' || substr(h.r, 1, 3) || '-'
    || substr('89ab', (${g} % 4)::int + 1, 1) || substr(h.r, 4, 3) || '-' || substr(h.r, 7, 12))::uuid AS id) u`;

const BODY_SQL = (g: string) =>
  `'Seeded comment #' || ${g} || ': thanks for this reporting, the background on the council vote ` +
  `was useful and the numbers in the second chart match what we see in our neighbourhood.'`;

/**
 * `count` approved top-level comments on one post, one per second ending now, authored by the
 * given users, and the post's comment_count set to match.
 */
export async function seedHotPost(
  db: Pool,
  siteId: string,
  postId: string,
  authorIds: string[],
  count: number,
): Promise<void> {
  const endMs = Date.now() - 5_000;
  await db.query(
    `INSERT INTO comments (id, site_id, post_id, author_id, parent_id, root_id, thread_parent_id, depth, body, status,
                           created_at, decided_at)
     SELECT u.id, $1, $2, ($3::uuid[])[1 + (g % cardinality($3::uuid[]))], NULL, u.id, NULL, 0, ${BODY_SQL('g')}, 'approved',
            to_timestamp(m.ms / 1000.0), to_timestamp(m.ms / 1000.0) + interval '40 milliseconds'
       FROM generate_series(0, $4::bigint - 1) AS g
       CROSS JOIN LATERAL (SELECT $5::bigint - ($4::bigint - 1 - g) * 1000 AS ms) m
       ${UUID7_LATERAL('m.ms', 'g', "'hot'")}`,
    [siteId, postId, authorIds, count, endMs],
  );
  await db.query(`UPDATE posts SET comment_count = comment_count + $3 WHERE site_id = $1 AND id = $2`, [
    siteId,
    postId,
    count,
  ]);
}

/**
 * N approved top-level comments spread over ceil(N / perPost) posts `seed-<i>` (each post's
 * comments are a contiguous stretch of time, as real articles get theirs), over the 30 days
 * before now, by 1,000 seeded readers. Batches of `batch` rows, two at a time (one per core);
 * FK triggers are skipped (session_replication_role = replica) because the data is generated
 * consistent: posts and authors are inserted first.
 */
export async function seedBulk(
  serverUrl: string,
  siteId: string,
  n: number,
  o: { perPost: number; batch?: number; parallel?: number; log: (msg: string) => void },
): Promise<{ posts: number; seconds: number }> {
  const t0 = performance.now();
  const batch = o.batch ?? 200_000;
  const posts = Math.ceil(n / o.perPost);
  const spanMs = 30 * 24 * 3600 * 1000;
  const stepMs = Math.max(1, Math.floor(spanMs / n));
  const baseMs = Date.now() - 3600_000 - stepMs * n; // all older than the last hour
  const setup = new pg.Client({ connectionString: serverUrl });
  await setup.connect();
  try {
    await setup.query(
      `INSERT INTO users (id, site_id, external_id, display_name)
       SELECT gen_random_uuid(), $1, 'seed-' || i, 'Seed Reader ' || i FROM generate_series(1, 1000) AS i`,
      [siteId],
    );
    for (let from = 0; from < posts; from += 100_000) {
      const to = Math.min(posts, from + 100_000) - 1;
      await setup.query(
        `INSERT INTO posts (site_id, id, title, url, comment_count)
         SELECT $1, 'seed-' || i, 'Seeded article ' || i, 'https://news.example/seed-' || i,
                LEAST($2::bigint, $3::bigint - i::bigint * $2::bigint)
           FROM generate_series($4::int, $5::int) AS i`,
        [siteId, o.perPost, n, from, to],
      );
    }
  } finally {
    await setup.end();
  }

  const batches = Math.ceil(n / batch);
  let nextBatch = 0;
  let done = 0;
  let lastLog = performance.now();
  const parallel = Math.max(1, o.parallel ?? 2);
  await Promise.all(
    Array.from({ length: Math.min(parallel, batches) }, async () => {
      const c = new pg.Client({ connectionString: serverUrl, statement_timeout: 600_000 } as pg.ClientConfig);
      await c.connect();
      try {
        await c.query(`SET session_replication_role = replica`);
        await c.query(`SET synchronous_commit = off`);
        while (nextBatch < batches) {
          const b = nextBatch++;
          const from = b * batch;
          const to = Math.min(n, from + batch) - 1;
          await c.query(
            `INSERT INTO comments (id, site_id, post_id, author_id, parent_id, root_id, thread_parent_id, depth, body, status,
                                 created_at, decided_at)
           SELECT u.id, $1, 'seed-' || (g / $2::bigint), a.ids[1 + (g % 1000)], NULL, u.id, NULL, 0, ${BODY_SQL('g')}, 'approved',
                  to_timestamp(m.ms / 1000.0), to_timestamp(m.ms / 1000.0) + interval '40 milliseconds'
             FROM (SELECT array_agg(id ORDER BY external_id) AS ids FROM users WHERE site_id = $1 AND external_id LIKE 'seed-%') a
             CROSS JOIN generate_series($3::bigint, $4::bigint) AS g
             CROSS JOIN LATERAL (SELECT $5::bigint + g * $6::bigint AS ms) m
             ${UUID7_LATERAL('m.ms', 'g', "'bulk'")}`,
            [siteId, o.perPost, from, to, baseMs, stepMs],
          );
          done += to - from + 1;
          if (performance.now() - lastLog > 10_000 || done === n) {
            lastLog = performance.now();
            o.log(
              `  seeded ${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} comments (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
            );
          }
        }
      } finally {
        await c.end();
      }
    }),
  );
  return { posts, seconds: (performance.now() - t0) / 1000 };
}

/** Fresh planner statistics and a checkpoint, so the loads do not pay for the seeding. */
export async function settle(serverUrl: string, log: (msg: string) => void): Promise<void> {
  const t0 = performance.now();
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query('VACUUM (ANALYZE) comments');
    await c.query('VACUUM (ANALYZE) posts');
    await c.query('VACUUM (ANALYZE) users');
    await c.query('CHECKPOINT');
  } finally {
    await c.end();
  }
  log(`  vacuum/analyze/checkpoint: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * `count` approved replies to one stored top-level comment (depth 1, one per 100 ms after it), and
 * the counters the worker would keep: the parent's reply_count and the post's comment_count.
 */
export async function seedReplies(
  db: Pool,
  o: { siteId: string; postId: string; parentId: string; authorIds: string[]; count: number },
): Promise<void> {
  await db.query(
    `INSERT INTO comments (id, site_id, post_id, author_id, parent_id, root_id, thread_parent_id, depth, body, status,
                           created_at, decided_at)
     SELECT u.id, $1, $2, ($4::uuid[])[1 + (g % cardinality($4::uuid[]))], $3, $3, $3, 1, ${BODY_SQL('g')}, 'approved',
            to_timestamp(m.ms / 1000.0), to_timestamp(m.ms / 1000.0) + interval '40 milliseconds'
       FROM (SELECT (extract(epoch FROM created_at) * 1000)::bigint AS base FROM comments WHERE id = $3) p
       CROSS JOIN generate_series(1, $5::bigint) AS g
       CROSS JOIN LATERAL (SELECT p.base + g * 100 AS ms) m
       ${UUID7_LATERAL('m.ms', 'g', "'reply' || $3::text")}`,
    [o.siteId, o.postId, o.parentId, o.authorIds, o.count],
  );
  await db.query('UPDATE comments SET reply_count = reply_count + $2 WHERE id = $1', [o.parentId, o.count]);
  await db.query('UPDATE posts SET comment_count = comment_count + $3 WHERE site_id = $1 AND id = $2', [
    o.siteId,
    o.postId,
    o.count,
  ]);
}
