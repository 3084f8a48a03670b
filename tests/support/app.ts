import type { Express } from 'express';
import { createApp } from '#api/app.js';
import { createApiDeps, type ApiDeps } from '#api/deps.js';
import { loadConfig } from '#shared/config.js';
import type { TestEnv } from './env.js';

export interface TestApi {
  app: Express;
  deps: ApiDeps;
  close(): Promise<void>;
}

/** The real app wired as main.ts wires it, on the test env; config keys may be overridden. */
export async function startTestApi(env: TestEnv, overrides: Record<string, string> = {}): Promise<TestApi> {
  const config =
    Object.keys(overrides).length > 0
      ? loadConfig({ ...(env.childEnv as Record<string, string>), ...overrides })
      : env.config;
  const built = await createApiDeps(config, {
    logger: env.logger,
    db: env.db,
    redis: env.redis,
    queueRedis: env.queueRedis,
    queue: env.queue,
  });
  const { deps } = built;
  return {
    app: createApp(deps),
    deps,
    async close() {
      await deps.tasks.obliterate({ force: true }).catch(() => undefined);
      deps.threadEvents.closeAll();
      await built.close();
    },
  };
}
