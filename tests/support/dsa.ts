import assert from 'node:assert/strict';
import request from 'supertest';
import type { Express } from 'express';
import type { Pool } from '#shared/db/pool.js';
import { buildSite, signSso, uniq, type BuiltSite } from './builders.js';
import { buildStaff } from './staff.js';

/** A reader signed in through SSO with an address (statements of reasons are mailed to it). */
export async function signInWithEmail(app: Express, site: BuiltSite, name = uniq('Reader')) {
  const email = `${uniq('r')}@example.com`;
  const res = await request(app)
    .post('/api/v1/auth/sso')
    .send({ siteId: site.siteId, token: await signSso(site.ssoSecret, { name, email }) });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { ...(res.body as { accessToken: string; user: { id: string; name: string } }), email };
}

/**
 * A site of its own (its settings are changed) with an admin and two moderators, where `threshold` reports from any
 * readers, however new, hold a comment.
 */
export async function siteHeldByReports(db: Pool, app: Express, threshold: number) {
  const site = await buildSite(db);
  const admin = await buildStaff(db, app, site.siteId, 'admin');
  const first = await buildStaff(db, app, site.siteId, 'moderator');
  const second = await buildStaff(db, app, site.siteId, 'moderator');
  await request(app)
    .patch(`/api/v1/sites/${site.siteId}/settings`)
    .set('Authorization', `Bearer ${admin.accessToken}`)
    .send({
      reportThreshold: threshold,
      reportStanding: { minAccountAgeDays: 0, minApprovedComments: 0, requireVerifiedEmail: false },
    })
    .expect(200);
  return { site, admin, first, second };
}

export interface NoticeInput {
  category?: string;
  explanation?: string;
  comments: string[];
  name?: string;
  email?: string;
  goodFaith?: boolean;
}

/** POST a notice of illegal content, signed in (token) or not, from an address. */
export function sendNotice(app: Express, siteId: string, n: NoticeInput, o: { token?: string; ip?: string } = {}) {
  const req = request(app)
    .post(`/api/v1/sites/${siteId}/notices`)
    .set('X-Forwarded-For', o.ip ?? '198.51.100.20');
  if (o.token) req.set('Authorization', `Bearer ${o.token}`);
  return req.send({
    category: n.category ?? 'hate_speech',
    explanation: n.explanation ?? 'This comment incites hatred against a group of people.',
    comments: n.comments,
    ...(n.name !== undefined ? { name: n.name } : {}),
    ...(n.email !== undefined ? { email: n.email } : {}),
    goodFaith: n.goodFaith ?? true,
  });
}

/** A moderator's decision on a notice. */
export function decideNotice(
  app: Express,
  siteId: string,
  noticeId: string,
  token: string,
  body: { action: 'remove' | 'no_action'; reason: string; manifest?: boolean; ground?: string },
) {
  return request(app)
    .post(`/api/v1/sites/${siteId}/moderation/notices/${noticeId}/decision`)
    .set('Authorization', `Bearer ${token}`)
    .send(body);
}
