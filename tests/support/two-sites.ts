import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { SignJWT, UnsecuredJWT } from 'jose';
import type { Pool } from '#shared/db/pool.js';
import { insertApiKey, revokeApiKey } from '#shared/db/api-keys.js';
import { upsertPost } from '#shared/db/posts.js';
import { insertReport } from '#shared/db/reports.js';
import { insertAudit } from '#shared/db/audit.js';
import { insertWebhook } from '#shared/db/webhooks.js';
import { generateApiKey, parseApiKey } from '#shared/secrets.js';
import { newId } from '#shared/ids.js';
import { buildSite, signSso, uniq, type BuiltSite } from './builders.js';
import { STAFF_PASSWORD, buildStaff, storeComment } from './staff.js';

/**
 * Two sites, each seeded with a bit of everything (posts, comments in every status, a report,
 * an audit entry, API keys, a webhook, settings, readers and staff) whose text carries unique
 * markers. Public markers are what anyone may read on the site's public routes (an approved
 * comment, its author's name, a post title); private markers are everything else. A response
 * to a caller who holds no credential of a site must never carry that site's private markers
 * or ids, nor its public ones on a route that needs authentication.
 */

/** The kinds of Authorization a hostile request may carry. */
export const CRED_KINDS = [
  'none',
  'reader',
  'moderator',
  'admin',
  'apiKey',
  'noScopeKey',
  'revokedKey',
  'expired',
  'forged',
  'algNone',
  'wrongAudience',
  'ssoTokenAsBearer',
  'garbage',
  'basic',
  'malformedKey',
] as const;
export type CredKind = (typeof CRED_KINDS)[number];
/** Kinds that hold the site's real, current secrets: the caller is that site (some of it). */
const OWNING: ReadonlySet<CredKind> = new Set(['reader', 'moderator', 'admin', 'apiKey', 'noScopeKey']);

export interface SiteWorld {
  siteId: string;
  /** Addresses of the seeded moderator and admin, so restoreWorld can sign them in again (a generated sign-out revokes their tokens). */
  staffEmails: { moderator: string; admin: string };
  site: BuiltSite;
  postIds: string[];
  /** Ids this site's own credentials may act on in generated requests (never the credentials' own keys or staff). */
  pool: string[];
  /** Comments not visible (held, rejected): aimed at only by the other site's credentials and strangers, so they stay private. */
  hidden: string[];
  /** The seeded settings overrides, put back by restoreWorld. */
  settings: string;
  publicMarkers: string[];
  privateMarkers: string[];
  /** Ids of this site a stranger must not learn (comments not visible, staff, keys, webhooks, readers never shown). */
  privateIds: string[];
  /** Ids a stranger may see on the public routes (visible comments and their authors). */
  publicIds: string[];
  creds: Record<CredKind, string | null>;
  /** A valid SSO token of this site, for bodies that carry one. */
  ssoToken: string;
  readerSub: string;
}

export interface TwoSites {
  a: SiteWorld;
  b: SiteWorld;
  sites: [SiteWorld, SiteWorld];
}

const marker = (kind: string) => `zq${kind}${randomBytes(5).toString('hex')}`;

async function sso(app: Express | string, site: BuiltSite, claims: { sub: string; name: string; email?: string }) {
  const res = await request(app)
    .post('/api/v1/auth/sso')
    .send({ siteId: site.siteId, token: await signSso(site.ssoSecret, claims) });
  if (res.status !== 200) throw new Error(`sso sign-in failed: ${res.status} ${res.text}`);
  return res.body as { accessToken: string; user: { id: string } };
}

async function accessToken(
  secret: string,
  claims: { sub: string; site: string; role: string },
  o: { exp?: number; aud?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ site: claims.site, role: claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer('comments-api')
    .setAudience(o.aud ?? 'comments')
    .setIssuedAt(now - 7200)
    .setExpirationTime(o.exp ?? now + 3600)
    .sign(new TextEncoder().encode(secret));
}

async function buildSiteWorld(db: Pool, app: Express | string, jwtSecret: string): Promise<SiteWorld> {
  const pub = { title: marker('title'), name: marker('name'), approved: marker('approved'), reply: marker('reply') };
  const priv = {
    email: marker('email'),
    mod: marker('mod'),
    admin: marker('admin'),
    victim: marker('victim'),
    pending: marker('pending'),
    rejected: marker('rejected'),
    note: marker('note'),
    reason: marker('reason'),
    label: marker('label'),
    hook: marker('hook'),
    word: marker('word'),
  };
  const site = await buildSite(db);
  const { siteId } = site;
  const settings = JSON.stringify({ bannedWords: [priv.word] });
  await db.query('UPDATE sites SET settings = $2 WHERE id = $1', [siteId, settings]);
  const postId = uniq('post');
  await upsertPost(db, {
    siteId,
    id: postId,
    title: `News ${pub.title}`,
    url: `http://localhost:8080/${postId}`,
    closed: false,
  });
  const closedPost = uniq('closed');
  await upsertPost(db, {
    siteId,
    id: closedPost,
    title: `Closed ${pub.title}`,
    url: `http://localhost:8080/${closedPost}`,
    closed: true,
  });

  const readerSub = uniq('sub');
  const reader = await sso(app, site, {
    sub: readerSub,
    name: `Reader ${pub.name}`,
    email: `${priv.email}@example.com`,
  });
  const victim = await sso(app, site, { sub: uniq('sub'), name: `Victim ${priv.victim}` });
  const moderator = await buildStaff(db, app as Express, siteId, 'moderator', `Mod ${priv.mod}`);
  const admin = await buildStaff(db, app as Express, siteId, 'admin', `Admin ${priv.admin}`);

  const at = <T extends object>(o: T) => ({ siteId, postId, ...o });
  const approved = await storeComment(
    db,
    at({ authorId: reader.user.id, body: `Approved ${pub.approved}`, status: 'approved' as const }),
  );
  const reply = await storeComment(
    db,
    at({ authorId: reader.user.id, body: `Reply ${pub.reply}`, status: 'approved' as const, parentId: approved }),
  );
  const pending = await storeComment(
    db,
    at({ authorId: reader.user.id, body: `Pending ${priv.pending}`, status: 'pending' as const }),
  );
  const rejected = await storeComment(
    db,
    at({ authorId: victim.user.id, body: `Rejected ${priv.rejected}`, status: 'rejected' as const }),
  );
  await insertReport(db, {
    siteId,
    commentId: approved,
    reporterId: victim.user.id,
    reason: 'other',
    note: `Note ${priv.note}`,
  });
  await insertAudit(db, {
    siteId,
    actor: { id: admin.user.id, name: admin.user.name },
    action: 'reader.premod',
    readerId: victim.user.id,
    reason: `Reason ${priv.reason}`,
  });

  const key = async (label: string, scopes: string[]) => {
    const k = generateApiKey();
    await insertApiKey(db, { id: k.id, siteId, label, secretHash: k.secretHash, scopes });
    return k;
  };
  const noScope = await key('no scope', []);
  const revoked = await key('revoked', ['posts:write', 'comments:read', 'moderation:write', 'webhooks:manage']);
  await revokeApiKey(db, siteId, revoked.id);
  const victimKey = await key(`Label ${priv.label}`, ['posts:write']);
  const webhook = (await insertWebhook(db, {
    id: newId(),
    siteId,
    url: `https://${priv.hook}.example/hook`,
    events: ['comment.approved'],
    secret: randomBytes(16).toString('hex'),
  }))!;
  const mainKeyId = parseApiKey(site.apiKey)!.id;

  const claims = { sub: admin.user.id, site: siteId, role: 'admin' };
  const ssoToken = await signSso(site.ssoSecret, { sub: uniq('sub'), name: 'Visitor' });
  const creds: Record<CredKind, string | null> = {
    none: null,
    reader: reader.accessToken,
    moderator: moderator.accessToken,
    admin: admin.accessToken,
    apiKey: site.apiKey,
    noScopeKey: noScope.key,
    revokedKey: revoked.key,
    expired: await accessToken(jwtSecret, claims, { exp: Math.floor(Date.now() / 1000) - 60 }),
    forged: await accessToken(`${jwtSecret}-not-ours-0123456789`, claims),
    algNone: new UnsecuredJWT({ site: siteId, role: 'admin' })
      .setSubject(admin.user.id)
      .setIssuer('comments-api')
      .setAudience('comments')
      .setExpirationTime('1h')
      .encode(),
    wrongAudience: await accessToken(jwtSecret, claims, { aud: 'someone-else' }),
    ssoTokenAsBearer: ssoToken,
    garbage: `${randomBytes(20).toString('base64')}.x.y`,
    basic: `Basic ${Buffer.from(`${siteId}:${site.apiKey}`).toString('base64')}`,
    malformedKey: `ck_${mainKeyId}_${'0'.repeat(43)}`,
  };
  return {
    siteId,
    staffEmails: { moderator: moderator.email, admin: admin.email },
    site,
    postIds: [postId, closedPost],
    pool: [approved, reply, reader.user.id, victim.user.id, victimKey.id, webhook.id, revoked.id],
    hidden: [pending, rejected],
    settings,
    publicMarkers: Object.values(pub),
    privateMarkers: Object.values(priv),
    privateIds: [
      pending,
      rejected,
      victim.user.id,
      moderator.user.id,
      admin.user.id,
      mainKeyId,
      noScope.id,
      revoked.id,
      victimKey.id,
      webhook.id,
    ],
    publicIds: [approved, reply, reader.user.id],
    creds,
    ssoToken,
    readerSub,
  };
}

/** Seeds sites A and B; `app` signs readers and staff in (an in-process app or a URL). */
export async function buildTwoSites(db: Pool, app: Express | string, jwtSecret: string): Promise<TwoSites> {
  const a = await buildSiteWorld(db, app, jwtSecret);
  const b = await buildSiteWorld(db, app, jwtSecret);
  return { a, b, sites: [a, b] };
}

/** The Authorization header value of a credential kind ("Bearer …" unless it carries its own scheme). */
export const authorizationOf = (w: SiteWorld, kind: CredKind): string | null => {
  const v = w.creds[kind];
  if (v === null) return null;
  return kind === 'basic' ? v : `Bearer ${v}`;
};

/** The site whose data a credential may legitimately read, or null. */
export const ownerOf = (w: SiteWorld, kind: CredKind): SiteWorld | null => (OWNING.has(kind) ? w : null);

/**
 * After generated requests banned, erased or demoted the seeded reader, signed a credential's
 * holder out, closed the posts or changed the settings: sign the reader and the staff in again (a
 * fresh account after an erasure), put the credentials' holders back as they were, reopen the
 * posts and restore the settings.
 */
export async function restoreWorld(db: Pool, app: Express | string, world: TwoSites): Promise<void> {
  for (const w of world.sites) {
    // A generated DELETE /me may have erased a staff account whose token the next requests use.
    await db.query(
      `UPDATE users SET status = 'active', suspended_until = NULL, premod = false, deleted_at = NULL WHERE site_id = $1`,
      [w.siteId],
    );
    await db.query('UPDATE posts SET closed = false WHERE site_id = $1 AND id = $2', [w.siteId, w.postIds[0]]);
    await db.query('UPDATE sites SET settings = $2 WHERE id = $1', [w.siteId, w.settings]);
    const r = await sso(app, w.site, { sub: w.readerSub, name: 'Reader again' });
    w.creds.reader = r.accessToken;
    // Staff are signed in again too: a generated sign-out (or a ban) revoked their tokens.
    for (const role of ['moderator', 'admin'] as const) {
      const res = await request(app)
        .post('/api/v1/auth/login')
        .send({ siteId: w.siteId, email: w.staffEmails[role], password: STAFF_PASSWORD, use: 'moderation' });
      if (res.status === 200) {
        w.creds[role] = res.body.accessToken as string;
        continue;
      }
      // A generated erasure (DELETE /me) left nobody to sign in: a new staff member takes the place.
      const fresh = await buildStaff(db, app as Express, w.siteId, role);
      w.staffEmails[role] = fresh.email;
      w.creds[role] = fresh.accessToken;
      w.privateIds.push(fresh.user.id);
    }
    if (!w.publicIds.includes(r.user.id)) w.publicIds.push(r.user.id);
  }
}

/**
 * What a response must not carry: for every site the caller does not own, its private markers
 * and ids, and (on routes that need authentication) its public ones too. Ids the request itself
 * sent may come back (an echo is not a leak). Returns the problems found.
 */
export function leaks(
  world: TwoSites,
  o: { owner: SiteWorld | null; publicRoute: boolean; sent: string; received: string },
): string[] {
  const found: string[] = [];
  for (const w of world.sites) {
    if (w === o.owner) continue;
    const markers = o.publicRoute ? w.privateMarkers : [...w.privateMarkers, ...w.publicMarkers];
    const around = (s: string) =>
      JSON.stringify(o.received.slice(Math.max(0, o.received.indexOf(s) - 120), o.received.indexOf(s) + s.length + 40));
    for (const m of markers) if (o.received.includes(m)) found.push(`${w.siteId}'s marker ${m} in ${around(m)}`);
    const ids = o.publicRoute ? w.privateIds : [...w.privateIds, ...w.publicIds];
    for (const id of ids)
      if (o.received.includes(id) && !o.sent.includes(id)) found.push(`${w.siteId}'s id ${id} in ${around(id)}`);
  }
  return found;
}
