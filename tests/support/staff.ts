import request from 'supertest';
import type { Express } from 'express';
import type { Pool } from '#shared/db/pool.js';
import { insertPasswordUser, markEmailVerified } from '#shared/db/users.js';
import { insertDecidedComment } from '#shared/db/comments.js';
import { hashPassword } from '#shared/passwords.js';
import { newId } from '#shared/ids.js';
import type { CommentStatus, Reason, Role } from '#shared/domain.js';
import { signInReader, uniq, type BuiltSite } from './builders.js';

export const STAFF_PASSWORD = 'correct horse battery staple';
let hashed: Promise<string> | undefined;

export interface SignedIn {
  accessToken: string;
  user: { id: string; name: string; role: Role };
  email: string;
}

/** A native account with a role on a site (as `users:create` makes it), signed in through POST /auth/login. */
export async function buildStaff(
  db: Pool,
  app: Express,
  siteId: string,
  role: Role,
  name = `${role} ${uniq('n')}`,
): Promise<SignedIn> {
  const email = `${uniq(role)}@example.com`;
  const user = await insertPasswordUser(db, {
    id: newId(),
    siteId,
    email,
    passwordHash: await (hashed ??= hashPassword(STAFF_PASSWORD)),
    displayName: name,
    role,
  });
  if (!user) throw new Error('could not create staff account');
  // As users:create does: the operator vouches for a staff member's address.
  await markEmailVerified(db, siteId, user.id);
  const res = await request(app)
    .post('/api/v1/auth/login')
    .send({ siteId, email, password: STAFF_PASSWORD, use: 'moderation' });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...(res.body as Omit<SignedIn, 'email'>), email };
}

/** Stores a decided comment exactly as the worker does (same repository function) and returns its id. */
export async function storeComment(
  db: Pool,
  o: {
    siteId: string;
    postId: string;
    authorId: string;
    body?: string;
    status?: CommentStatus;
    parentId?: string | null;
    reasons?: Reason[];
    scores?: Record<string, number>;
    createdAt?: Date;
  },
): Promise<string> {
  const id = newId();
  await insertDecidedComment(
    db,
    {
      id,
      siteId: o.siteId,
      postId: o.postId,
      authorId: o.authorId,
      parentId: o.parentId ?? null,
      body: o.body ?? `A comment written for the test, ${id.slice(-6)}.`,
      createdAt: o.createdAt ?? new Date(),
    },
    {
      status: o.status ?? 'approved',
      reasons: o.reasons ?? [],
      scores: o.scores ?? {},
      scoredBy: [],
      settingsVersion: 1,
    },
  );
  return id;
}

/**
 * Signs a reader in through SSO and gives them a role on the site (roles are read from the database). Staff are
 * given a password too and signed in again as the moderation page signs in: only that token reaches staff routes.
 */
export async function signInAs(
  app: Express,
  db: Pool,
  site: BuiltSite,
  role: Role,
  // Unique: a reader may not take the name of one of the site's staff.
  name = `${role} ${uniq('n')}`,
) {
  const session = await signInReader(app, site, { name });
  await db.query('UPDATE users SET role = $3 WHERE site_id = $1 AND id = $2', [site.siteId, session.user.id, role]);
  if (role === 'commenter') return session;
  const email = `${uniq(role)}@example.com`;
  await db.query('UPDATE users SET email = $3, password_hash = $4 WHERE site_id = $1 AND id = $2', [
    site.siteId,
    session.user.id,
    email,
    await (hashed ??= hashPassword(STAFF_PASSWORD)),
  ]);
  await markEmailVerified(db, site.siteId, session.user.id);
  const res = await request(app)
    .post('/api/v1/auth/login')
    .send({ siteId: site.siteId, email, password: STAFF_PASSWORD, use: 'moderation' });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...session, accessToken: res.body.accessToken as string };
}
