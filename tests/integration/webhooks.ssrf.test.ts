import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startTestApi, type TestApi } from '../support/app.js';
import { buildSite, type BuiltSite } from '../support/builders.js';
import { loadConfig } from '#shared/config.js';
import { isAllowedTarget, createAllowlist } from '#shared/webhooks/ssrf.js';

/** Registering webhook endpoints against internal targets, probed as an outside reviewer would. */

let env: TestEnv;
let strict: TestApi;
let dev: TestApi;
let site: BuiltSite;

before(async () => {
  env = await createTestEnv();
  strict = await startTestApi(env);
  // A development receiver allowlisted by address, by name and by range; the metadata address included on purpose.
  dev = await startTestApi(env, { WEBHOOK_ALLOW_HOSTS: '127.0.0.1,localhost,169.254.0.0/16,10.0.0.0/8' });
  site = await buildSite(env.db);
});
after(async () => {
  await strict.close();
  await dev.close();
  await env.close();
});

const register = (api: TestApi, url: string) =>
  request(api.app)
    .post(`/api/v1/sites/${site.siteId}/webhooks`)
    .set('Authorization', `Bearer ${site.apiKey}`)
    .send({ url, events: ['post.created'] });

describe('webhook targets', () => {
  it('when a URL is internal, mapped, NAT64 or does not resolve, then 422 with one message that names no address', async () => {
    const messages = new Set<string>();
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://10.1.2.3/x',
      'http://[::ffff:7f00:1]/x',
      'http://[::ffff:a00:1]/x',
      'http://[64:ff9b:1::a00:1]/x',
      'http://[64:ff9b::a9fe:a9fe]/x',
      'http://169.254.169.254/latest/meta-data',
      'http://does-not-exist.invalid/x',
    ]) {
      const res = await register(strict, url);
      assert.equal(res.status, 422, url);
      assert.equal(res.body.error.code, 'unsafe_url');
      assert.doesNotMatch(res.body.error.message, /\d+\.\d+\.\d+\.\d+|::|resolve/, url);
      messages.add(res.body.error.message);
    }
    assert.equal(messages.size, 1, [...messages].join(' | '));
  });

  it('when a development receiver is allowlisted, then it may be registered, but the cloud metadata address never', async () => {
    assert.equal((await register(dev, 'http://127.0.0.1:9/hook')).status, 201);
    assert.equal((await register(dev, 'http://localhost:9/hook')).status, 201);
    assert.equal((await register(dev, 'http://10.1.2.3/hook')).status, 201);
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://[::ffff:169.254.169.254]/x',
      'http://[fe80::1]/x',
    ]) {
      const res = await register(dev, url);
      assert.equal(res.status, 422, url);
      assert.equal(res.body.error.code, 'unsafe_url');
    }
    assert.equal((await register(dev, 'http://192.168.1.1/hook')).status, 422, 'not on the allowlist');
  });

  it('when the allowlist is read from the configuration, then it holds names, addresses and CIDRs; a bad entry stops start-up', () => {
    const config = loadConfig({
      NODE_ENV: 'development',
      WEBHOOK_ALLOW_HOSTS: ' 127.0.0.1 , fd00::/8,hooks.dev.internal',
    });
    assert.deepEqual(config.WEBHOOK_ALLOW_HOSTS, ['127.0.0.1', 'fd00::/8', 'hooks.dev.internal']);
    const allow = createAllowlist(config.WEBHOOK_ALLOW_HOSTS);
    assert.equal(isAllowedTarget('fd12::1', 'x', allow), true);
    assert.equal(isAllowedTarget('10.0.0.1', 'hooks.dev.internal', allow), true);
    assert.equal(isAllowedTarget('10.0.0.1', 'other.internal', allow), false);
    assert.equal(isAllowedTarget('169.254.169.254', 'hooks.dev.internal', allow), false);
    for (const bad of ['10.0.0.0/33', 'http://x', 'a b'])
      assert.throws(() => loadConfig({ NODE_ENV: 'development', WEBHOOK_ALLOW_HOSTS: bad }), /WEBHOOK_ALLOW_HOSTS/);
  });
});
