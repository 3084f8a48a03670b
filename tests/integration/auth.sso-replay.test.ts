import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, decodeJwt } from 'jose';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, signSso, uniq, type BuiltSite } from '../support/builders.js';
import { loadConfig } from '#shared/config.js';
import { runAdmin } from '../support/processes.js';

/** A leaked SSO token is worth little: it lives at most ten minutes, and one with a `jti` signs in once. */

let env: TestEnv;
let a: TestApi;
let b: TestApi;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv({ RATE_LIMITS: 'off' });
  a = await startTestApi(env);
  b = await startTestApi(env);
  site = await buildSite(env.db);
});
after(async () => {
  await a?.close();
  await b?.close();
  await env?.close();
});

const sso = (api: TestApi, token: string) =>
  request(api.app).post('/api/v1/auth/sso').send({ siteId: site.siteId, token });
const signed = (claims: Record<string, unknown>, exp: number) =>
  new SignJWT({ name: 'Reader', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(uniq('sub'))
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(site.ssoSecret));

describe('SSO token replay', () => {
  it('when a token with a jti is presented twice, even to another API process, then the second is refused', async () => {
    const token = await signed({ jti: uniq('jti') }, Math.floor(Date.now() / 1000) + 300);
    assert.equal((await sso(a, token)).status, 200);
    const again = await sso(b, token);
    assert.equal(again.status, 401);
    assert.match(again.body.error.message, /used already/);
  });

  it('when a token lives longer than ten minutes, then it is refused', async () => {
    const token = await signed({}, Math.floor(Date.now() / 1000) + 3600);
    const res = await sso(a, token);
    assert.equal(res.status, 401);
    assert.match(res.body.error.message, /too far ahead/);
    assert.equal((await sso(a, await signSso(site.ssoSecret))).status, 200);
  });

  it('when a token names another audience, then it is refused; its own site as audience is accepted', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    assert.equal((await sso(a, await signed({ aud: 'another-site' }, exp))).status, 401);
    assert.equal((await sso(a, await signed({ aud: site.siteId }, exp))).status, 200);
  });

  it("when SSO_MAX_TTL_S is below ten minutes, then the CLI's sso:token lives that long by default and signs in; a longer --ttl is refused", async () => {
    const short = await startTestApi(env, { SSO_MAX_TTL_S: '120' });
    try {
      const cliEnv = { ...env.childEnv, SSO_MAX_TTL_S: '120' };
      const args = ['sso:token', '--site', site.siteId, '--sub', uniq('sub'), '--name', 'Reader'];
      const made = await runAdmin(cliEnv, args);
      assert.equal(made.code, 0, made.stderr);
      const { token } = JSON.parse(made.stdout) as { token: string };
      const claims = decodeJwt(token);
      assert.equal(claims.exp! - claims.iat!, 120);
      assert.equal((await sso(short, token)).status, 200);
      const longer = await runAdmin(cliEnv, [...args, '--ttl', '300']);
      assert.equal(longer.code, 1);
      assert.match(
        longer.stderr,
        /--ttl: at most 120: the API refuses an SSO token that lives longer than SSO_MAX_TTL_S/,
      );
      const within = await runAdmin(cliEnv, [...args, '--ttl', '90']);
      assert.equal(within.code, 0, within.stderr);
      const inner = decodeJwt(JSON.parse(within.stdout).token);
      assert.equal(inner.exp! - inner.iat!, 90);
    } finally {
      await short.close();
    }
  });

  it('when SSO_MAX_TTL_S is set beyond ten minutes, then the configuration is refused', () => {
    assert.throws(() => loadConfig({ SSO_MAX_TTL_S: '86400' }), /SSO_MAX_TTL_S/);
    assert.equal(env.config.SSO_MAX_TTL_S, 600);
  });
});
