import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DEV_JWT_SECRET, developmentWarning, loadConfig, rateLimitsWarning } from '#shared/config.js';
import { estimatedBits, weakSecretReason } from '#shared/secret-strength.js';
import { DEV_DEMO_SSO_SECRET, loadDemoConfig } from '#demo/config.js';
import { loadAdminConfig } from '#admin/config.js';

const strong = () => randomBytes(32).toString('base64url');

describe('secret strength', () => {
  it('when a secret is 32 random bytes, then it is accepted; a repeated character, a pattern or 16 random hex bytes are not', () => {
    for (let i = 0; i < 20; i++) assert.equal(weakSecretReason(strong()), null);
    assert.equal(weakSecretReason(randomBytes(32).toString('hex')), null);
    assert.match(weakSecretReason('z'.repeat(64)) ?? '', /repeated/);
    assert.match(weakSecretReason('0123012301230123012301230123012301230123') ?? '', /bits/);
    assert.match(weakSecretReason(randomBytes(16).toString('hex')) ?? '', /fewer than 128/);
    assert.match(weakSecretReason(DEV_JWT_SECRET) ?? '', /published/);
    assert.match(weakSecretReason(DEV_DEMO_SSO_SECRET) ?? '', /published/);
    assert.equal(estimatedBits('aaaa'), 0);
  });
});

describe('JWT_SECRET by NODE_ENV', () => {
  it('when NODE_ENV is unset, then the configuration is production and JWT_SECRET is required', () => {
    assert.throws(() => loadConfig({}), /JWT_SECRET: required/);
    const secret = strong();
    const c = loadConfig({ JWT_SECRET: secret });
    assert.equal(c.NODE_ENV, 'production');
    assert.equal(c.JWT_SECRET, secret);
    assert.equal(developmentWarning(c), null);
  });
  it('when NODE_ENV=test, then the same rule as production applies', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'test' }), /JWT_SECRET: required/);
    assert.throws(() => loadConfig({ NODE_ENV: 'test', JWT_SECRET: DEV_JWT_SECRET }), /JWT_SECRET/);
  });
  it('when NODE_ENV=development is set explicitly, then the development key is used and start-up says so', () => {
    const c = loadConfig({ NODE_ENV: 'development' });
    assert.equal(c.JWT_SECRET, DEV_JWT_SECRET);
    assert.match(developmentWarning(c) ?? '', /published development JWT_SECRET/);
  });
  it('when RATE_LIMITS=off, then start-up says every limit is off; with the limits on, nothing', () => {
    assert.match(
      rateLimitsWarning(loadConfig({ NODE_ENV: 'test', JWT_SECRET: strong(), RATE_LIMITS: 'off' })) ?? '',
      /every rate limit is off/,
    );
    assert.equal(rateLimitsWarning(loadConfig({ JWT_SECRET: strong() })), null);
  });
});

describe('the admin CLI and migrate', () => {
  it('when production has no JWT_SECRET, then the CLI reads its settings; the API and worker loader still refuses', () => {
    const c = loadAdminConfig({ DATABASE_URL: 'postgres://app@db.internal:5432/comments' });
    assert.equal(c.NODE_ENV, 'production');
    assert.equal(c.DATABASE_URL, 'postgres://app@db.internal:5432/comments');
    assert.ok(!('JWT_SECRET' in c));
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://app@db.internal:5432/comments' }),
      /JWT_SECRET: required/,
    );
  });
  it("when the CLI's own settings are bad, then it refuses them as every process does", () => {
    assert.throws(() => loadAdminConfig({ DATABASE_STATEMENT_TIMEOUT_MS: 'soon' }), /DATABASE_STATEMENT_TIMEOUT_MS/);
    assert.throws(
      () => loadAdminConfig({ REDIS_URL: 'redis+cluster://127.0.0.1:7000', QUEUE_PREFIX: 'comments' }),
      /QUEUE_PREFIX: with a Redis Cluster the prefix needs a hash tag/,
    );
  });
});

describe('rate limits in production', () => {
  it('when production has RATE_LIMITS=off alone, then start-up fails naming the acknowledgement it needs', () => {
    for (const env of [{}, { NODE_ENV: 'production' }]) {
      assert.throws(
        () => loadConfig({ ...env, JWT_SECRET: strong(), RATE_LIMITS: 'off' }),
        /RATE_LIMITS: off is refused in production.*RATE_LIMITS_OFF_IN_PRODUCTION=true/,
      );
      assert.throws(
        () => loadConfig({ ...env, JWT_SECRET: strong(), RATE_LIMITS: 'off', RATE_LIMITS_OFF_IN_PRODUCTION: 'false' }),
        /RATE_LIMITS: off is refused in production/,
      );
    }
  });
  it('when production has RATE_LIMITS=off and RATE_LIMITS_OFF_IN_PRODUCTION=true, then it starts, still warning', () => {
    const c = loadConfig({ JWT_SECRET: strong(), RATE_LIMITS: 'off', RATE_LIMITS_OFF_IN_PRODUCTION: 'true' });
    assert.equal(c.RATE_LIMITS, false);
    assert.match(rateLimitsWarning(c) ?? '', /every rate limit is off/);
  });
  it('when the limits are off in development or test, then no acknowledgement is asked', () => {
    assert.equal(loadConfig({ NODE_ENV: 'development', RATE_LIMITS: 'off' }).RATE_LIMITS, false);
    assert.equal(loadConfig({ NODE_ENV: 'test', JWT_SECRET: strong(), RATE_LIMITS: 'off' }).RATE_LIMITS, false);
  });
});

describe('links in mail', () => {
  it('when production sends mail, then PUBLIC_URL is required, and must be https unless it names this machine', () => {
    const base = { JWT_SECRET: strong(), SMTP_URL: 'smtps://mail.example.com:465' };
    assert.throws(() => loadConfig(base), /PUBLIC_URL: required in production with SMTP_URL/);
    assert.throws(
      () => loadConfig({ ...base, PUBLIC_URL: 'http://comments.example.com' }),
      /PUBLIC_URL: must be https/,
    );
    assert.equal(
      loadConfig({ ...base, PUBLIC_URL: 'https://comments.example.com' }).PUBLIC_URL,
      'https://comments.example.com',
    );
    assert.equal(loadConfig({ ...base, PUBLIC_URL: 'http://localhost:3000' }).PUBLIC_URL, 'http://localhost:3000');
    // Without mail, or outside production, nothing is asked.
    assert.equal(loadConfig({ JWT_SECRET: strong() }).PUBLIC_URL, undefined);
    assert.equal(loadConfig({ ...base, NODE_ENV: 'test' }).PUBLIC_URL, undefined);
    assert.equal(loadConfig({ SMTP_URL: base.SMTP_URL, NODE_ENV: 'development' }).PUBLIC_URL, undefined);
  });
});

describe('the mail transport in production', () => {
  const prod = (SMTP_URL: string) =>
    loadConfig({ JWT_SECRET: strong(), PUBLIC_URL: 'https://comments.example.com', SMTP_URL });

  it('when SMTP_URL is plain smtp:// to another machine, then start-up fails saying TLS is required', () => {
    for (const url of [
      'smtp://user:pw@mail.example.com:587',
      'smtp://mail.example.com:25?requireTLS=false',
      'smtp://mail.example.com:587?requireTLS=1',
      'smtp://mail.example.com:587?requiretls=true',
      'smtp://mail.example.com:587?requireTLS=true&requireTLS=false',
      'smtp://10.0.0.5:25',
    ])
      assert.throws(
        () => prod(url),
        /SMTP_URL: must use TLS in production: smtps:\/\/…:465, or smtp:\/\/…:587\?requireTLS=true/,
        url,
      );
  });
  it('when SMTP_URL is smtps://, or smtp:// with requireTLS=true, then it starts', () => {
    assert.equal(prod('smtps://user:pw@mail.example.com:465').SMTP_URL, 'smtps://user:pw@mail.example.com:465');
    const starttls = 'smtp://user:pw@mail.example.com:587?requireTLS=true';
    assert.equal(prod(starttls).SMTP_URL, starttls);
  });
  it('when plain smtp:// names this machine (a local relay), then it starts', () => {
    for (const url of ['smtp://localhost:25', 'smtp://LOCALHOST:25', 'smtp://127.0.0.1:2525', 'smtp://[::1]:25'])
      assert.equal(prod(url).SMTP_URL, url);
  });
  it('when the process is not in production, then plain smtp:// is accepted', () => {
    const url = 'smtp://mail.example.com:587';
    assert.equal(loadConfig({ NODE_ENV: 'test', JWT_SECRET: strong(), SMTP_URL: url }).SMTP_URL, url);
    assert.equal(loadConfig({ NODE_ENV: 'development', SMTP_URL: url }).SMTP_URL, url);
  });
});

describe('remote scorers in production', () => {
  it('when PERSPECTIVE_URL or OPENAI_BASE_URL is http:// to another machine, then start-up fails naming each', () => {
    assert.throws(
      () =>
        loadConfig({ JWT_SECRET: strong(), PERSPECTIVE_URL: 'http://scorer.example.com/v1alpha1/comments:analyze' }),
      /PERSPECTIVE_URL: must be https in production: readers' comments and the API key are sent there/,
    );
    assert.throws(
      () => loadConfig({ JWT_SECRET: strong(), OPENAI_BASE_URL: 'http://10.1.2.3:8000' }),
      /OPENAI_BASE_URL: must be https in production/,
    );
    assert.throws(
      () =>
        loadConfig({
          JWT_SECRET: strong(),
          PERSPECTIVE_URL: 'http://p.example.com/analyze',
          OPENAI_BASE_URL: 'http://o.example.com',
        }),
      (err: Error) =>
        /PERSPECTIVE_URL: must be https/.test(err.message) && /OPENAI_BASE_URL: must be https/.test(err.message),
    );
  });
  it('when they are https, or http to this machine, then it starts; the defaults are https', () => {
    const c = loadConfig({
      JWT_SECRET: strong(),
      PERSPECTIVE_URL: 'https://scorer.example.com/v1alpha1/comments:analyze',
      OPENAI_BASE_URL: 'http://127.0.0.1:8000',
    });
    assert.equal(c.OPENAI_BASE_URL, 'http://127.0.0.1:8000');
    for (const url of ['http://localhost:9000/analyze', 'http://[::1]:9000/analyze'])
      assert.equal(loadConfig({ JWT_SECRET: strong(), PERSPECTIVE_URL: url }).PERSPECTIVE_URL, url);
    const defaults = loadConfig({ JWT_SECRET: strong() });
    assert.match(defaults.PERSPECTIVE_URL, /^https:/);
    assert.match(defaults.OPENAI_BASE_URL, /^https:/);
  });
  it('when the process is not in production, then http:// is accepted', () => {
    const url = 'http://scorer.example.com/analyze';
    assert.equal(loadConfig({ NODE_ENV: 'test', JWT_SECRET: strong(), PERSPECTIVE_URL: url }).PERSPECTIVE_URL, url);
    assert.equal(loadConfig({ NODE_ENV: 'development', OPENAI_BASE_URL: url }).OPENAI_BASE_URL, url);
  });
});

describe("the demo's SSO secret", () => {
  it('when the demo runs outside development, then DEMO_SSO_SECRET is required and must be strong', () => {
    const base = { JWT_SECRET: strong() };
    assert.throws(() => loadDemoConfig(base), /DEMO_SSO_SECRET: required/);
    assert.throws(() => loadDemoConfig({ ...base, DEMO_SSO_SECRET: DEV_DEMO_SSO_SECRET }), /DEMO_SSO_SECRET/);
    assert.throws(() => loadDemoConfig({ ...base, DEMO_SSO_SECRET: 'q'.repeat(40) }), /DEMO_SSO_SECRET/);
    const secret = strong();
    assert.equal(loadDemoConfig({ ...base, DEMO_SSO_SECRET: secret }).DEMO_SSO_SECRET, secret);
    assert.equal(loadDemoConfig({ NODE_ENV: 'development' }).DEMO_SSO_SECRET, DEV_DEMO_SSO_SECRET);
  });
});
