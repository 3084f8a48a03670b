import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { exited, freePort, startService } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

/** The secrets' rules, and the other settings production refuses, as the real processes apply them at start-up. */

let env: TestEnv;
const children: ReturnType<typeof startService>[] = [];

before(async () => {
  env = await createTestEnv();
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await env.close();
});

/** The test env's variables without NODE_ENV and the secrets, plus `extra`. */
function envWith(extra: Record<string, string>): NodeJS.ProcessEnv {
  const vars: NodeJS.ProcessEnv = { ...env.childEnv, LOG_LEVEL: 'info' };
  for (const key of ['NODE_ENV', 'JWT_SECRET', 'JWT_SECRET_FILE', 'DEMO_SSO_SECRET', 'DEMO_SSO_SECRET_FILE'])
    delete vars[key];
  return { ...vars, ...extra };
}

async function refusal(entry: string, extra: Record<string, string>): Promise<string> {
  const proc = startService(entry, envWith(extra));
  children.push(proc);
  // A process that accepts the setting runs on: it is stopped, and the test fails, instead of waiting for ever.
  const stop = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  try {
    assert.equal(await exited(proc), 1, `${entry} did not refuse to start:\n${proc.output()}`);
  } finally {
    clearTimeout(stop);
  }
  return proc.output();
}

describe('signing secrets at start-up', () => {
  it('when NODE_ENV is unset and JWT_SECRET is not set, then the API and the worker exit 1 naming JWT_SECRET', async () => {
    assert.match(await refusal('services/api/src/main.ts', {}), /JWT_SECRET: required/);
    assert.match(await refusal('services/worker/src/main.ts', {}), /JWT_SECRET: required/);
  });

  it('when JWT_SECRET is the published development value, one repeated character or low in entropy, then the API exits 1', async () => {
    for (const weak of [
      'dev-only-secret-change-me-0123456789abcdef',
      'x'.repeat(40),
      'abababababababababababababababab',
      randomBytes(16).toString('hex'),
    ]) {
      assert.match(await refusal('services/api/src/main.ts', { JWT_SECRET: weak }), /JWT_SECRET: set a random secret/);
    }
    assert.match(
      await refusal('services/api/src/main.ts', { NODE_ENV: 'test', JWT_SECRET: 'y'.repeat(32) }),
      /one repeated character/,
    );
  });

  it('when the demo runs without NODE_ENV=development and without DEMO_SSO_SECRET, or with a weak one, then it exits 1', async () => {
    const strong = randomBytes(32).toString('base64url');
    assert.match(await refusal('services/demo/src/main.ts', { JWT_SECRET: strong }), /DEMO_SSO_SECRET: required/);
    assert.match(
      await refusal('services/demo/src/main.ts', {
        JWT_SECRET: strong,
        DEMO_SSO_SECRET: 'demo-only-sso-secret-not-for-production-0123',
      }),
      /DEMO_SSO_SECRET: set a random secret/,
    );
  });

  it('when NODE_ENV=development is set explicitly without JWT_SECRET, then the API starts and says at start-up that it uses the development key', async () => {
    const port = await freePort();
    const proc = startService(
      'services/api/src/main.ts',
      envWith({ NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1' }),
    );
    children.push(proc);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200, {
      what: 'the API in development mode',
      timeoutMs: 30_000,
    });
    assert.match(
      proc.output(),
      /NODE_ENV=development: signing access tokens with the published development JWT_SECRET/,
    );
    proc.kill('SIGTERM');
    assert.equal(await exited(proc), 0, proc.output());
  });
});

describe('settings production refuses at start-up', () => {
  it('when production has RATE_LIMITS=off without RATE_LIMITS_OFF_IN_PRODUCTION=true, then the API exits 1 naming both', async () => {
    assert.match(
      await refusal('services/api/src/main.ts', {
        JWT_SECRET: randomBytes(32).toString('base64url'),
        RATE_LIMITS: 'off',
      }),
      /RATE_LIMITS: off is refused in production.*RATE_LIMITS_OFF_IN_PRODUCTION=true/,
    );
  });

  it('when production has a plain smtp:// SMTP_URL to another machine, then the API and the worker exit 1 asking for TLS', async () => {
    const mail = {
      JWT_SECRET: randomBytes(32).toString('base64url'),
      PUBLIC_URL: 'https://comments.example.com',
      SMTP_URL: 'smtp://mail.example.com:587',
    };
    assert.match(await refusal('services/api/src/main.ts', mail), /SMTP_URL: must use TLS in production/);
    assert.match(await refusal('services/worker/src/main.ts', mail), /SMTP_URL: must use TLS in production/);
  });

  it('when production has a remote scorer at an http:// address of another machine, then the worker exits 1 asking for https', async () => {
    assert.match(
      await refusal('services/worker/src/main.ts', {
        JWT_SECRET: randomBytes(32).toString('base64url'),
        PERSPECTIVE_API_KEY: 'perspective-key',
        PERSPECTIVE_URL: 'http://scorer.example.com/v1alpha1/comments:analyze',
      }),
      /PERSPECTIVE_URL: must be https in production/,
    );
  });
});
