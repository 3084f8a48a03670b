/// <reference lib="dom" />
/**
 * Makes the README's screenshots: `node --import tsx tests/support/screenshots.ts`.
 *
 * Starts the real API, worker and demo publisher as processes on a database and Redis prefix of
 * their own, seeds the demo article with readers' comments through the public API (the worker
 * decides each one: the civil ones are approved, an insult and a new reader's link are held), adds
 * readers' reactions, a desk reply and an Editors' pick, then saves the widget (light, dark, and at a
 * phone's 390 px) and the moderation page as PNGs under docs/images/. Removes the
 * database and the Redis keys afterwards. Needs Postgres, Redis and Chromium as the tests do.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { Redis } from 'ioredis';
import pg from 'pg';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'docs/images');
const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DB_NAME = `docs_screenshots_${process.pid}`;
const PREFIX = `{docs-screenshots-${process.pid}}`;
const SITE = 'demo';
const POST = 'article-123';
const SSO_SECRET = 'screenshots-sso-secret-0123456789abcdef';
const MODERATOR = { email: 'desk@harbourledger.example', password: 'screenshots password 1', name: 'Rosa Desk' };

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const apiPort = await freePort();
const demoPort = await freePort();
const api = `http://127.0.0.1:${apiPort}`;
const demo = `http://127.0.0.1:${demoPort}`;
const databaseUrl = new URL(PG_ADMIN_URL);
databaseUrl.pathname = `/${DB_NAME}`;
const env = {
  ...process.env,
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  RATE_LIMITS: 'off',
  HOST: '127.0.0.1',
  DATABASE_URL: databaseUrl.href,
  REDIS_URL,
  QUEUE_PREFIX: PREFIX,
  PORT: String(apiPort),
  WORKER_METRICS_PORT: '0',
  DEMO_PORT: String(demoPort),
  DEMO_API_URL: api,
  DEMO_PUBLIC_URL: demo,
  DEMO_SITE_ID: SITE,
  DEMO_SSO_SECRET: SSO_SECRET,
};

/** The operator CLI, as `npm run -s admin -- …`: one JSON object on stdout. */
function admin(...args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'services/admin/src/main.ts', ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`admin ${args[0]}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function http<T>(
  method: string,
  url: string,
  o: { token?: string; body?: unknown; expect?: number } = {},
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(o.body ? { 'Content-Type': 'application/json' } : {}),
      ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}),
    },
    body: o.body ? JSON.stringify(o.body) : undefined,
  });
  if (o.expect !== undefined && res.status !== o.expect)
    throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const readers = new Map<string, string>();
/** Readers the publisher vouches for (the SSO token's `verified` claim): a "Verified" badge. */
const VERIFIED = new Set(['Nadia K.', 'Helen Boyd']);
async function reader(name: string): Promise<string> {
  const known = readers.get(name);
  if (known) return known;
  const sso = await new SignJWT({ name, ...(VERIFIED.has(name) ? { verified: true } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`ledger-${name.toLowerCase().replace(/\W+/g, '-')}`)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SSO_SECRET));
  const { accessToken } = await http<{ accessToken: string }>('POST', `${api}/api/v1/auth/sso`, {
    body: { siteId: SITE, token: sso },
    expect: 200,
  });
  readers.set(name, accessToken);
  return accessToken;
}

/** Posts as a reader and waits for the worker's decision. */
async function comment(name: string, body: string, parentId?: string): Promise<{ id: string; status: string }> {
  const token = await reader(name);
  const { id } = await http<{ id: string }>('POST', `${api}/api/v1/sites/${SITE}/posts/${POST}/comments`, {
    token,
    body: { body, ...(parentId ? { parentId } : {}) },
    expect: 202,
  });
  const status = await until(`the decision on ${id}`, async () => {
    const r = await http<{ comment: { status: string } }>('GET', `${api}/api/v1/comments/${id}`, { token });
    return r.comment.status === 'queued' ? undefined : r.comment.status;
  });
  await sleep(1100); // created_at order is the thread's order: keep the seconds apart for believable times
  return { id, status };
}

const children: ChildProcess[] = [];
const db = new pg.Client({ connectionString: PG_ADMIN_URL });
await db.connect();
try {
  admin('migrate');
  for (const service of ['api', 'worker', 'demo']) {
    const child = spawn(process.execPath, ['--import', 'tsx', `services/${service}/src/main.ts`], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
  }
  await until('the API', async () => ((await fetch(`${api}/readyz`)).ok ? true : undefined));
  await until('the demo publisher', async () => ((await fetch(`${demo}/`)).ok ? true : undefined));

  // The publisher registers the article; the moderator gets an account.
  const key = admin('keys:create', '--site', SITE, '--label', 'screenshots', '--scope', 'posts:write');
  await http('PUT', `${api}/api/v1/sites/${SITE}/posts/${POST}`, {
    token: String(key.apiKey),
    body: { title: 'Council puts student transit pass on hold as province weighs its share', url: `${demo}/` },
  });
  admin(
    'users:create',
    '--site',
    SITE,
    '--email',
    MODERATOR.email,
    '--password',
    MODERATOR.password,
    '--role',
    'moderator',
    '--name',
    MODERATOR.name,
  );

  // Readers discuss the story; the worker decides every comment with the default settings.
  const seeded: Array<[string, string, string?]> = [
    [
      'Nadia K.',
      "I built the pass into my budget for September. A term's delay means another $300 on bus tickets for a lot of us.",
    ],
    [
      'Tom Whitfield',
      'The deputy mayor has a point. Signing a five-year deal before the province confirms its grant is how cities end up with holes in their budgets.',
    ],
    [
      'Grace L.',
      "An exit clause tied to the grant seems like the obvious fix. Why wasn't that on the table on Tuesday?",
    ],
    [
      'Samir Haddad',
      'Good reporting. It would help to know what the pass costs per ride compared with the regular student fare.',
    ],
  ];
  const ids: string[] = [];
  for (const [name, body] of seeded) ids.push((await comment(name, body)).id);
  await comment('Marc D.', 'Council staff say the clause is possible, it just needs legal review before May.', ids[2]);
  await comment(
    'Priya R.',
    'Roughly $1.10 a ride at current usage, against $2.25 for a student ticket. We will add it to the follow-up story.',
    ids[3],
  );
  await comment(
    'Helen Boyd',
    'Ferries included is the part people forget. For students on the island side this is the only affordable way in.',
  );

  // Held for a moderator: an insult (the embedded model) and a new reader's link.
  const held = [
    await comment(
      'Kev_77',
      'Stairs is a spineless idiot and everyone who voted with him should be ashamed of themselves.',
    ),
    await comment(
      'Jordan P.',
      'Full minutes of the meeting are here: https://harbourview.example/council/2026-03-24-minutes',
    ),
    await comment('Kev_77', 'Shut up, you brainless moron. Nobody cares what a loser like you thinks.'),
  ];
  console.error('held:', held.map((h) => h.status).join(', '));

  // Readers react; the desk answers and features a comment (an Editors' pick).
  const reactions: Array<[string, number]> = [
    ['Grace L.', 0],
    ['Tom Whitfield', 0],
    ['Samir Haddad', 0],
    ['Helen Boyd', 0],
    ['Nadia K.', 2],
    ['Samir Haddad', 2],
    ['Tom Whitfield', 3],
  ];
  for (const [name, i] of reactions)
    await http('PUT', `${api}/api/v1/comments/${ids[i]}/reaction`, {
      token: await reader(name),
      body: { kind: 'respect' },
      expect: 200,
    });
  const desk = await http<{ accessToken: string }>('POST', `${api}/api/v1/auth/login`, {
    body: { siteId: SITE, email: MODERATOR.email, password: MODERATOR.password, use: 'moderation' },
    expect: 200,
  });
  const reply = await http<{ id: string }>('POST', `${api}/api/v1/sites/${SITE}/posts/${POST}/comments`, {
    token: desk.accessToken,
    body: {
      body: 'Thanks for the questions. We will publish the per-ride figures with the follow-up.',
      parentId: ids[0],
    },
    expect: 202,
  });
  await until('the desk reply', async () => {
    const r = await http<{ comment: { status: string } }>('GET', `${api}/api/v1/comments/${reply.id}`, {
      token: desk.accessToken,
    });
    return r.comment.status === 'approved' ? true : undefined;
  });
  await http('POST', `${api}/api/v1/comments/${ids[2]}/feature`, {
    token: desk.accessToken,
    body: { featured: true },
    expect: 200,
  });

  await mkdir(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  try {
    // The widget as a reader sees it under the demo article: light, dark, and on a phone.
    const shots: Array<[string, { width: number; height: number }, 'light' | 'dark', boolean]> = [
      ['widget.png', { width: 900, height: 1100 }, 'light', false],
      ['widget-dark.png', { width: 900, height: 1100 }, 'dark', false],
      ['widget-mobile.png', { width: 390, height: 844 }, 'light', true],
    ];
    for (const [file, viewport, colorScheme, isMobile] of shots) {
      const ctx = await browser.newContext({ viewport, colorScheme, isMobile, deviceScaleFactor: 1 });
      const reading = await ctx.newPage();
      await reading.goto(`${demo}/`);
      await reading.locator('#comments h2').waitFor();
      await reading.click('#demo-signin');
      await reading.locator('#comments textarea').first().waitFor();
      await reading.locator('#comments section.picks li').first().waitFor();
      await reading.locator('#comments').evaluate((el) => el.scrollIntoView());
      await sleep(500);
      // Page coordinates (a full-page clip ignores the scroll position).
      const box = await reading.locator('#comments').evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
      });
      const margin = isMobile ? 8 : 24;
      await reading.screenshot({
        path: path.join(OUT, file),
        fullPage: true,
        clip: {
          x: Math.max(0, box.x - margin),
          y: Math.max(0, box.y - margin),
          width: Math.min(box.width + 2 * margin, viewport.width),
          height: Math.min(box.height, isMobile ? 1300 : 1000) + 2 * margin,
        },
      });
      await ctx.close();
    }

    // The moderation page with the held comments.
    const moderating = await (await browser.newContext({ viewport: { width: 1280, height: 740 } })).newPage();
    await moderating.goto(`${api}/moderate`);
    await moderating.fill('#signin-site', SITE);
    await moderating.fill('#signin-email', MODERATOR.email);
    await moderating.fill('#signin-password', MODERATOR.password);
    await moderating.click('button[type=submit]');
    await moderating
      .locator('#items .item')
      .nth(held.filter((h) => h.status === 'pending').length - 1)
      .waitFor();
    await sleep(300);
    await moderating.screenshot({ path: path.join(OUT, 'moderation.png') });
  } finally {
    await browser.close();
  }
  console.error(
    `saved widget.png, widget-dark.png, widget-mobile.png and moderation.png in ${path.relative(ROOT, OUT)}/`,
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  await db.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await db.end();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
