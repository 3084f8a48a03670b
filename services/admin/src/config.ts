import type { z } from 'zod';
import { configSchema, environmentOf, parseEnvironment, queuePrefixProblem, refuseProblems } from '#shared/config.js';

/**
 * The settings the operator CLI and `migrate` read (described in `#shared/config`): where Postgres and Redis are,
 * and the longest SSO token the API accepts (`sso:token` keeps to it). They sign no access tokens, so JWT_SECRET is not among them; the API and the worker still require it.
 */
export const adminConfigSchema = configSchema.pick({
  NODE_ENV: true,
  DATABASE_URL: true,
  DATABASE_PREPARED_STATEMENTS: true,
  DATABASE_STATEMENT_TIMEOUT_MS: true,
  MIGRATION_DATABASE_URL: true,
  REDIS_URL: true,
  QUEUE_PREFIX: true,
  SSO_MAX_TTL_S: true,
});

export type AdminConfig = z.infer<typeof adminConfigSchema>;

/** The CLI's settings; throws a readable message naming every bad key. */
export function loadAdminConfig(env: NodeJS.ProcessEnv = process.env): AdminConfig {
  const config = parseEnvironment(
    adminConfigSchema,
    environmentOf(env, ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'REDIS_URL']),
  );
  refuseProblems({ QUEUE_PREFIX: queuePrefixProblem(config) });
  return config;
}
