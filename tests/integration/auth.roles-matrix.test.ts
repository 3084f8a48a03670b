import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildPost, buildSite, signInReader, type BuiltSite } from '../support/builders.js';
import { buildStaff, storeComment } from '../support/staff.js';

/**
 * Every moderation and admin endpoint × every kind of caller, with the status each must get.
 * Anonymous → 401. A reader, or a moderator on an admin endpoint → 403. An admin of another
 * site → 403 on the site's paths; on paths that name a comment, that comment does not exist on
 * their site → 404 (no way to tell another site's ids apart from nonexistent ones). A publisher
 * API key is not staff → 403 (401 on the report endpoint, which wants a reader).
 */

type Who = 'anonymous' | 'commenter' | 'moderator' | 'admin' | 'otherAdmin' | 'apiKey';
const WHO: Who[] = ['anonymous', 'commenter', 'moderator', 'admin', 'otherAdmin', 'apiKey'];

let env: TestEnv;
let api: TestApi;
let site: BuiltSite;
let postId: string;
const tokens = {} as Record<Who, string | null>;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off', LOOKUP_CACHE_TTL_MS: '0' });
  api = await startTestApi(env);
  site = await buildSite(env.db);
  const other = await buildSite(env.db);
  postId = await buildPost(env.db, site.siteId);
  tokens.anonymous = null;
  tokens.commenter = (await signInReader(api.app, site)).accessToken;
  tokens.moderator = (await buildStaff(env.db, api.app, site.siteId, 'moderator')).accessToken;
  tokens.admin = (await buildStaff(env.db, api.app, site.siteId, 'admin')).accessToken;
  tokens.otherAdmin = (await buildStaff(env.db, api.app, other.siteId, 'admin')).accessToken;
  tokens.apiKey = site.apiKey;
});
after(async () => {
  await api?.close();
  await env?.close();
});

/** Fresh things to act on for every call, so one caller's success never changes the next one's answer. */
async function fixture() {
  const reader = await signInReader(api.app, site);
  const comment = await storeComment(env.db, {
    siteId: site.siteId,
    postId,
    authorId: reader.user.id,
    status: 'pending',
  });
  const visible = await storeComment(env.db, {
    siteId: site.siteId,
    postId,
    authorId: reader.user.id,
    status: 'approved',
  });
  return { userId: reader.user.id, comment, visible };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;

interface Row {
  name: string;
  method: 'get' | 'post' | 'patch';
  path: (f: Fixture) => string;
  body?: (f: Fixture) => object;
  expect: Record<Who, number>;
}

const S = () => `/api/v1/sites/${site.siteId}`;
const moderatorLevel = (ok: number) => ({
  anonymous: 401,
  commenter: 403,
  moderator: ok,
  admin: ok,
  otherAdmin: 403,
  apiKey: 403,
});
const adminLevel = (ok: number) => ({
  anonymous: 401,
  commenter: 403,
  moderator: 403,
  admin: ok,
  otherAdmin: 403,
  apiKey: 403,
});
const onComment = (ok: number) => ({
  anonymous: 401,
  commenter: 403,
  moderator: ok,
  admin: ok,
  otherAdmin: 404,
  apiKey: 403,
});
const future = () => new Date(Date.now() + 3600_000).toISOString();

const ROWS: Row[] = [
  { name: 'GET moderation counts', method: 'get', path: () => `${S()}/moderation/counts`, expect: moderatorLevel(200) },
  ...(['pending', 'reported', 'rejected', 'approved'] as const).map(
    (q): Row => ({
      name: `GET queue ${q}`,
      method: 'get',
      path: () => `${S()}/moderation/queues/${q}`,
      expect: moderatorLevel(200),
    }),
  ),
  {
    name: 'POST comment moderation',
    method: 'post',
    path: (f) => `/api/v1/comments/${f.comment}/moderation`,
    body: () => ({ action: 'approve' }),
    expect: onComment(200),
  },
  {
    name: 'POST bulk moderation',
    method: 'post',
    path: () => `${S()}/moderation/bulk`,
    body: (f) => ({ ids: [f.comment], action: 'reject' }),
    expect: moderatorLevel(200),
  },
  {
    name: 'GET moderation task',
    method: 'get',
    path: () => `${S()}/moderation/tasks/reject-author-none`,
    expect: moderatorLevel(404),
  },
  {
    name: 'POST ban',
    method: 'post',
    path: (f) => `${S()}/users/${f.userId}/ban`,
    body: () => ({ reason: 'matrix' }),
    expect: moderatorLevel(200),
  },
  {
    name: 'POST ban with rejectExisting',
    method: 'post',
    path: (f) => `${S()}/users/${f.userId}/ban`,
    body: () => ({ reason: 'matrix', rejectExisting: true }),
    expect: moderatorLevel(202),
  },
  {
    name: 'POST suspend',
    method: 'post',
    path: (f) => `${S()}/users/${f.userId}/suspend`,
    body: () => ({ reason: 'matrix', until: future() }),
    expect: moderatorLevel(200),
  },
  {
    name: 'POST premod',
    method: 'post',
    path: (f) => `${S()}/users/${f.userId}/premod`,
    body: () => ({ enabled: true }),
    expect: moderatorLevel(200),
  },
  {
    name: 'POST unban',
    method: 'post',
    path: (f) => `${S()}/users/${f.userId}/unban`,
    body: () => ({}),
    expect: moderatorLevel(200),
  },
  {
    name: 'GET reader history',
    method: 'get',
    path: (f) => `${S()}/users/${f.userId}/history`,
    expect: moderatorLevel(200),
  },
  { name: 'GET audit log', method: 'get', path: () => `${S()}/audit`, expect: moderatorLevel(200) },
  { name: 'GET settings', method: 'get', path: () => `${S()}/settings`, expect: adminLevel(200) },
  {
    name: 'PATCH settings',
    method: 'patch',
    path: () => `${S()}/settings`,
    body: () => ({ reportThreshold: 3 }),
    expect: adminLevel(200),
  },
  // The queue dashboard is for the operator's site only (QUEUE_DASHBOARD_SITE unset here): even this site's admin is refused.
  {
    name: 'POST queue dashboard session',
    method: 'post',
    path: () => '/api/v1/admin/queue-dashboard/session',
    expect: { ...adminLevel(403), otherAdmin: 403 },
  },
  // Reporting is for signed-in people of the site, staff included.
  {
    name: 'POST report',
    method: 'post',
    path: (f) => `/api/v1/comments/${f.visible}/reports`,
    body: () => ({ reason: 'spam' }),
    expect: { anonymous: 401, commenter: 201, moderator: 201, admin: 201, otherAdmin: 404, apiKey: 401 },
  },
];

describe('roles matrix', () => {
  for (const row of ROWS) {
    it(`when ${row.name} is called by each kind of caller, then each gets its status (${WHO.map((w) => `${w} ${row.expect[w]}`).join(', ')})`, async () => {
      const got: Partial<Record<Who, number>> = {};
      for (const who of WHO) {
        const f = await fixture();
        let req = request(api.app)[row.method](row.path(f));
        if (tokens[who]) req = req.set('Authorization', `Bearer ${tokens[who]}`);
        const res = row.body ? await req.send(row.body(f)) : await req;
        got[who] = res.status;
        if (res.status >= 400)
          assert.equal(typeof res.body.error?.code, 'string', `${row.name} as ${who}: an error body`);
      }
      assert.deepEqual(got, row.expect);
    });
  }

  it('when a non-moderator is refused a decision, then the comment is untouched', async () => {
    for (const who of ['commenter', 'otherAdmin', 'apiKey'] as const) {
      const f = await fixture();
      await request(api.app)
        .post(`/api/v1/comments/${f.comment}/moderation`)
        .set('Authorization', `Bearer ${tokens[who]}`)
        .send({ action: 'approve' });
      const status = (await env.db.query<{ status: string }>('SELECT status FROM comments WHERE id = $1', [f.comment]))
        .rows[0]!.status;
      assert.equal(status, 'pending', `${who} must not change the comment`);
    }
  });
});
