import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { Queue } from 'bullmq';
import { z } from 'zod';
import type { RedisClient } from '#shared/redis.js';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/pool.js';
import { findSite, findSsoSecret, insertSite, setSsoSecret, updateSite } from '#shared/db/sites.js';
import { insertApiKey } from '#shared/db/api-keys.js';
import { findPasswordUser, insertPasswordUser, markEmailVerified, updatePasswordUser } from '#shared/db/users.js';
import { API_KEY_SCOPES, generateApiKey, generateSsoSecret } from '#shared/secrets.js';
import { emailSchema, siteIdSchema } from '#shared/schemas.js';
import { newId } from '#shared/ids.js';
import { normalizeName } from '#shared/text.js';
import { COMMENTS_QUEUE } from '#shared/queues.js';
import { NOTIFICATIONS_QUEUE } from '#shared/notifications/queue.js';
import { MODERATION_TASKS_QUEUE } from '#shared/moderation-tasks.js';
import { hashPassword } from '#shared/passwords.js';

/** Command-line flags as parsed: strings, repeated strings, or switches such as --force. */
export type Flags = Record<string, string | string[] | boolean | undefined>;

/** A failure the operator can fix; printed without a stack trace. */
export class CliError extends Error {}

export interface CliDeps {
  db: Pool;
  redis: () => RedisClient;
  queuePrefix: string;
  /** SSO_MAX_TTL_S: the furthest ahead the API accepts an SSO token's `exp`, in seconds. */
  ssoMaxTtlS: number;
  /** Where notes for the operator go (stdout carries only the JSON result). */
  note: (msg: string) => void;
}

const originSchema = z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin);

function parseWith<S extends z.ZodType>(schema: S, value: unknown, flag: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new CliError(`--${flag}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

const required = (flags: Flags, name: string): string => {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new CliError(`--${name} is required`);
  return v;
};
const list = (v: string | string[] | boolean | undefined): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];

/** The scopes of the key sites:create makes unless told otherwise: what a publisher's CMS needs. */
export const DEFAULT_SITE_KEY_SCOPES = ['comments:read', 'posts:write'] as const;

function scopesOf(flags: Flags, fallback: readonly string[]): string[] {
  const scopes = list(flags.scope).length > 0 ? list(flags.scope) : [...fallback];
  for (const s of scopes)
    if (!(API_KEY_SCOPES as readonly string[]).includes(s))
      throw new CliError(`--scope: unknown scope ${s} (known: ${API_KEY_SCOPES.join(', ')})`);
  return [...new Set(scopes)];
}

/**
 * sites:create --id --name --origin… [--scope…]: prints {id,name,origins,apiKey,apiKeyScopes,ssoSecret};
 * secrets only the first time. The key has the scopes asked for (default: comments:read, posts:write).
 */
export async function sitesCreate(deps: CliDeps, flags: Flags) {
  const id = parseWith(siteIdSchema, required(flags, 'id'), 'id');
  const name = required(flags, 'name');
  const origins = list(flags.origin).map((o) => parseWith(originSchema, o, 'origin'));
  const scopes = scopesOf(flags, DEFAULT_SITE_KEY_SCOPES);
  return withTransaction(deps.db, async (tx) => {
    const ssoSecret = generateSsoSecret();
    if (await insertSite(tx, { id, name, origins, ssoSecret })) {
      const key = generateApiKey();
      await insertApiKey(tx, {
        id: key.id,
        siteId: id,
        label: 'default',
        secretHash: key.secretHash,
        scopes,
      });
      return { id, name, origins, apiKey: key.key, apiKeyScopes: scopes, ssoSecret };
    }
    const site = await updateSite(tx, {
      id,
      name,
      origins: origins.length > 0 ? origins : (await findSite(tx, id))!.origins,
    });
    deps.note(
      `site ${id} already exists: name and origins updated; its secrets are not shown again (keys:create makes a new API key, sites:rotate-sso-secret a new SSO secret)`,
    );
    return { id, name: site!.name, origins: site!.origins, apiKey: null, apiKeyScopes: null, ssoSecret: null };
  });
}

/**
 * users:create --site --email --password --role [--name] [--force]: creates a staff account (its
 * address counts as verified: the operator vouches for it), or updates an existing staff account.
 * A reader's self-registered account is never taken over silently: whoever registered it knows its
 * password. With --force its password is reset and every token it holds is revoked.
 */
export async function usersCreate(deps: CliDeps, flags: Flags) {
  const siteId = parseWith(siteIdSchema, required(flags, 'site'), 'site');
  const email = parseWith(emailSchema, required(flags, 'email'), 'email');
  const password = parseWith(
    z.string().min(10, 'use at least 10 characters').max(1024),
    required(flags, 'password'),
    'password',
  );
  const roleFlag =
    flags.role === undefined ? undefined : parseWith(z.enum(['admin', 'moderator', 'commenter']), flags.role, 'role');
  const role = roleFlag ?? 'moderator';
  const displayName = normalizeName(typeof flags.name === 'string' ? flags.name : email.split('@')[0]!) || 'Staff';
  if (!(await findSite(deps.db, siteId))) throw new CliError(`no site ${siteId}; create it with sites:create`);
  const passwordHash = await hashPassword(password);
  const created = await withTransaction(deps.db, async (tx) => {
    const user = await insertPasswordUser(tx, { id: newId(), siteId, email, passwordHash, displayName, role });
    if (user) await markEmailVerified(tx, siteId, user.id);
    return user;
  });
  if (created) return { id: created.id, siteId, email, name: created.displayName, role: created.role, created: true };
  const existing = await findPasswordUser(deps.db, siteId, email);
  if (existing?.role === 'commenter' && flags.force !== true) {
    throw new CliError(
      `${email} is a reader's self-registered account on ${siteId}, not a staff account; it is left as it is (whoever registered it knows its password). To make it a staff account anyway, run again with --force: its password is reset and every session it has is signed out.`,
    );
  }
  // A staff account keeps its role and name unless they are given: resetting an admin's password does not demote them.
  const staff = existing !== null && existing !== undefined && existing.role !== 'commenter';
  const user = await updatePasswordUser(deps.db, {
    siteId,
    email,
    passwordHash,
    displayName: staff && typeof flags.name !== 'string' ? existing.displayName : displayName,
    role: staff && roleFlag === undefined ? existing.role : role,
  });
  if (!user) throw new CliError(`${email} could not be updated on ${siteId}; try again`);
  deps.note(
    `user ${email} already existed on ${siteId}: password set, role ${user.role}${roleFlag === undefined && staff ? ' (kept)' : ''}, every earlier session signed out`,
  );
  return { id: user.id, siteId, email, name: user.displayName, role: user.role, created: false };
}

/** keys:create --site [--label] [--scope…]: a new publisher API key, shown once (default scopes: comments:read, posts:write). */
export async function keysCreate(deps: CliDeps, flags: Flags) {
  const siteId = parseWith(siteIdSchema, required(flags, 'site'), 'site');
  // The same default as sites:create: a key that may also manage webhooks or read the DSA figures is asked for.
  const scopes = scopesOf(flags, DEFAULT_SITE_KEY_SCOPES);
  if (!(await findSite(deps.db, siteId))) throw new CliError(`no site ${siteId}`);
  const key = generateApiKey();
  const label = typeof flags.label === 'string' ? flags.label : 'cli';
  await insertApiKey(deps.db, { id: key.id, siteId, label, secretHash: key.secretHash, scopes });
  return { id: key.id, siteId, label, scopes, apiKey: key.key };
}

/** sites:rotate-sso-secret --site: replaces the SSO secret (tokens signed with the old one stop working). */
export async function rotateSsoSecret(deps: CliDeps, flags: Flags) {
  const siteId = parseWith(siteIdSchema, required(flags, 'site'), 'site');
  const ssoSecret = generateSsoSecret();
  if (!(await setSsoSecret(deps.db, siteId, ssoSecret))) throw new CliError(`no site ${siteId}`);
  return { id: siteId, ssoSecret };
}

/**
 * sso:token --site --sub --name [--email] [--verified] [--ttl]: signs a reader token as a publisher's backend
 * would, for trying the API by hand. Needs database access (the secret), so it is an operator tool. The token lives
 * SSO_MAX_TTL_S (at most 600 s) unless --ttl says less: the API refuses one that lives longer.
 */
export async function ssoToken(deps: Pick<CliDeps, 'db' | 'ssoMaxTtlS'>, flags: Flags) {
  const siteId = parseWith(siteIdSchema, required(flags, 'site'), 'site');
  const max = deps.ssoMaxTtlS;
  const ttl =
    flags.ttl === undefined
      ? max
      : parseWith(
          z.coerce
            .number()
            .int()
            .min(60)
            .max(max, `at most ${max}: the API refuses an SSO token that lives longer than SSO_MAX_TTL_S (${max} s)`),
          flags.ttl,
          'ttl',
        );
  const secret = await findSsoSecret(deps.db, siteId);
  if (!secret) throw new CliError(`no site ${siteId}`);
  const token = await new SignJWT({
    name: required(flags, 'name'),
    ...(typeof flags.email === 'string' ? { email: flags.email } : {}),
    // The publisher vouches for this reader: their comments carry a "Verified" badge.
    ...(flags.verified === true ? { verified: true } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(required(flags, 'sub'))
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(new TextEncoder().encode(secret));
  return { siteId, token };
}

/**
 * Whether Redis is ready for commands within `ms` (a cluster client refuses them before; a single one would queue
 * them for as long as it takes to connect).
 */
export async function redisReady(redis: RedisClient, ms = 5000): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return Promise.race([
    new Promise<boolean>((r) => redis.once('ready', () => r(true))),
    new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref()),
  ]);
}

/** The queues whose failed jobs an operator may retry: comments, readers' notifications, moderation tasks. */
const RETRYABLE_QUEUES = [COMMENTS_QUEUE, NOTIFICATIONS_QUEUE, MODERATION_TASKS_QUEUE] as const;

/**
 * jobs:retry-failed [--queue NAME ...|all]: moves every failed job of the queues named (the comments queue unless
 * told otherwise) back to its queue.
 */
export async function retryFailed(deps: CliDeps, f: Flags = {}) {
  const asked = list(f.queue);
  const names = asked.length === 0 ? [COMMENTS_QUEUE] : asked.includes('all') ? [...RETRYABLE_QUEUES] : asked;
  for (const name of names)
    if (!(RETRYABLE_QUEUES as readonly string[]).includes(name))
      throw new CliError(`--queue: ${name} is not one of ${RETRYABLE_QUEUES.join(', ')}, all`);
  // BullMQ waits for Redis as long as it takes: a command makes sure first, and says so when Redis is not there.
  if (!(await redisReady(deps.redis()))) throw new CliError('cannot reach Redis (REDIS_URL); no job was retried');
  const byQueue: Record<string, number> = {};
  for (const name of new Set(names)) {
    const queue = new Queue(name, { connection: deps.redis(), prefix: deps.queuePrefix });
    try {
      byQueue[name] = await queue.getFailedCount();
      await queue.retryJobs({ state: 'failed', count: 1000 });
    } finally {
      await queue.close();
    }
  }
  return { retried: Object.values(byQueue).reduce((a, b) => a + b, 0), byQueue };
}
