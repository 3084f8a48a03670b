import { SignJWT } from 'jose';
import { Queue } from 'bullmq';
import type { RedisClient } from '#shared/redis.js';
import { z } from 'zod';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/pool.js';
import { findSite, findSsoSecret, insertSite, setSsoSecret, updateSite } from '#shared/db/sites.js';
import { insertApiKey } from '#shared/db/api-keys.js';
import { insertPasswordUser, updatePasswordUser } from '#shared/db/users.js';
import { API_KEY_SCOPES, generateApiKey, generateSsoSecret } from '#shared/secrets.js';
import { emailSchema, siteIdSchema } from '#shared/schemas.js';
import { newId } from '#shared/ids.js';
import { normalizeName } from '#shared/text.js';
import { COMMENTS_QUEUE } from '#shared/queues.js';
import { hashPassword } from '#shared/passwords.js';

/** A failure the operator can fix; printed without a stack trace. */
export class CliError extends Error {}

export interface CliDeps {
  db: Pool;
  redis: () => RedisClient;
  queuePrefix: string;
  /** Where notes for the operator go (stdout carries only the JSON result). */
  note: (msg: string) => void;
}

const originSchema = z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin);

function parseWith<S extends z.ZodType>(schema: S, value: unknown, flag: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new CliError(`--${flag}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

const required = (flags: Record<string, string | string[] | undefined>, name: string): string => {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new CliError(`--${name} is required`);
  return v;
};
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** sites:create --id --name --origin… : prints {id,name,origins,apiKey,ssoSecret}; secrets only the first time. */
export async function sitesCreate(deps: CliDeps, flags: Record<string, string | string[] | undefined>) {
  const id = parseWith(siteIdSchema, required(flags, 'id'), 'id');
  const name = required(flags, 'name');
  const origins = list(flags.origin).map((o) => parseWith(originSchema, o, 'origin'));
  return withTransaction(deps.db, async (tx) => {
    const ssoSecret = generateSsoSecret();
    if (await insertSite(tx, { id, name, origins, ssoSecret })) {
      const key = generateApiKey();
      await insertApiKey(tx, {
        id: key.id,
        siteId: id,
        label: 'default',
        secretHash: key.secretHash,
        scopes: [...API_KEY_SCOPES],
      });
      return { id, name, origins, apiKey: key.key, ssoSecret };
    }
    const site = await updateSite(tx, {
      id,
      name,
      origins: origins.length > 0 ? origins : (await findSite(tx, id))!.origins,
    });
    deps.note(
      `site ${id} already exists: name and origins updated; its secrets are not shown again (keys:create makes a new API key, sites:rotate-sso-secret a new SSO secret)`,
    );
    return { id, name: site!.name, origins: site!.origins, apiKey: null, ssoSecret: null };
  });
}

/** users:create --site --email --password --role [--name]: creates or updates a staff account. */
export async function usersCreate(deps: CliDeps, flags: Record<string, string | string[] | undefined>) {
  const siteId = parseWith(siteIdSchema, required(flags, 'site'), 'site');
  const email = parseWith(emailSchema, required(flags, 'email'), 'email');
  const password = parseWith(
    z.string().min(10, 'use at least 10 characters').max(1024),
    required(flags, 'password'),
    'password',
  );
  const role = parseWith(z.enum(['admin', 'moderator', 'commenter']), flags.role ?? 'moderator', 'role');
  const displayName = normalizeName(typeof flags.name === 'string' ? flags.name : email.split('@')[0]!) || 'Staff';
  if (!(await findSite(deps.db, siteId))) throw new CliError(`no site ${siteId}; create it with sites:create`);
  const passwordHash = await hashPassword(password);
  const created = await insertPasswordUser(deps.db, { id: newId(), siteId, email, passwordHash, displayName, role });
  const user = created ?? (await updatePasswordUser(deps.db, { siteId, email, passwordHash, displayName, role }));
  if (!created) deps.note(`user ${email} already existed on ${siteId}: password and role updated`);
  return { id: user!.id, siteId, email, name: user!.displayName, role: user!.role, created: created !== null };
}

/** keys:create --site [--label] [--scope…]: a new publisher API key, shown once. */
export async function keysCreate(deps: CliDeps, flags: Record<string, string | string[] | undefined>) {
  const siteId = parseWith(siteIdSchema, required(flags, 'site'), 'site');
  const scopes = list(flags.scope).length > 0 ? list(flags.scope) : [...API_KEY_SCOPES];
  for (const s of scopes)
    if (!(API_KEY_SCOPES as readonly string[]).includes(s)) throw new CliError(`--scope: unknown scope ${s}`);
  if (!(await findSite(deps.db, siteId))) throw new CliError(`no site ${siteId}`);
  const key = generateApiKey();
  const label = typeof flags.label === 'string' ? flags.label : 'cli';
  await insertApiKey(deps.db, { id: key.id, siteId, label, secretHash: key.secretHash, scopes });
  return { id: key.id, siteId, label, scopes, apiKey: key.key };
}

/** sites:rotate-sso-secret --site: replaces the SSO secret (tokens signed with the old one stop working). */
export async function rotateSsoSecret(deps: CliDeps, flags: Record<string, string | string[] | undefined>) {
  const siteId = parseWith(siteIdSchema, required(flags, 'site'), 'site');
  const ssoSecret = generateSsoSecret();
  if (!(await setSsoSecret(deps.db, siteId, ssoSecret))) throw new CliError(`no site ${siteId}`);
  return { id: siteId, ssoSecret };
}

/**
 * sso:token --site --sub --name [--email] [--ttl]: signs a reader token as a publisher's backend
 * would, for trying the API by hand. Needs database access (the secret), so it is an operator tool.
 */
export async function ssoToken(deps: CliDeps, flags: Record<string, string | string[] | undefined>) {
  const siteId = parseWith(siteIdSchema, required(flags, 'site'), 'site');
  const secret = await findSsoSecret(deps.db, siteId);
  if (!secret) throw new CliError(`no site ${siteId}`);
  const ttl = parseWith(z.coerce.number().int().min(60).max(86400), flags.ttl ?? '3600', 'ttl');
  const token = await new SignJWT({
    name: required(flags, 'name'),
    ...(typeof flags.email === 'string' ? { email: flags.email } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(required(flags, 'sub'))
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(new TextEncoder().encode(secret));
  return { siteId, token };
}

/** jobs:retry-failed: moves every failed comment job back to the queue. */
export async function retryFailed(deps: CliDeps) {
  const queue = new Queue(COMMENTS_QUEUE, { connection: deps.redis(), prefix: deps.queuePrefix });
  try {
    const failed = await queue.getFailedCount();
    await queue.retryJobs({ state: 'failed', count: 1000 });
    return { retried: failed };
  } finally {
    await queue.close();
  }
}
