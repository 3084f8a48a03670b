import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature, generateWebhookSecret } from '#shared/webhooks/signing.js';
import { assertPublicUrl, createAllowlist, isPrivateAddress, NO_ALLOWLIST } from '#shared/webhooks/ssrf.js';
import { webhookBackoff } from '#shared/webhooks/queue.js';
import { eventIdOf } from '#shared/webhooks/events.js';
import { loadConfig } from '#shared/config.js';
import { htmlToText } from '#admin/disqus/html-to-text.js';

describe('webhook signatures', () => {
  it('when a body is signed, then v1 is the hex HMAC-SHA256 of "t.body", one per secret', () => {
    const sig = signatureHeader('{"a":1}', ['s1', 's2'], 1700000000);
    const expected = (k: string) => createHmac('sha256', k).update('1700000000.{"a":1}').digest('hex');
    assert.equal(sig, `t=1700000000,v1=${expected('s1')},v1=${expected('s2')}`);
    assert.ok(verifySignature(sig, '{"a":1}', 's2', { now: 1700000010 }));
    assert.equal(verifySignature(sig, '{"a":1}', 's3', { now: 1700000010 }), false);
    assert.equal(verifySignature(sig, '{"a":1}', 's1', { now: 1700000000 + 301 }), false);
    assert.equal(verifySignature('v1=zz', '{}', 's1'), false);
    assert.match(generateWebhookSecret(), /^whsec_[A-Za-z0-9_-]{43}$/);
  });
});

describe('SSRF guard', () => {
  it('when an address is loopback, private, link-local, unspecified or mapped, then it is internal; public ones are not', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      // Teredo, carrying 10.0.0.1 (XORed) behind a relay.
      '2001:0:4136:e378:8000:63bf:f5ff:fffe',
      'not-an-ip',
    ]) {
      assert.equal(isPrivateAddress(a), true, a);
    }
    for (const a of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111']) assert.equal(isPrivateAddress(a), false, a);
  });

  it('when a URL has credentials, another scheme or an internal literal address, then it is refused unless allowlisted', async () => {
    const allow = createAllowlist(['127.0.0.1']);
    await assert.rejects(assertPublicUrl('http://user:pw@example.com/', { allow }), /credentials/);
    await assert.rejects(assertPublicUrl('file:///etc/passwd', { allow }), /http and https/);
    await assert.rejects(assertPublicUrl('http://[fe80::1]/', { allow: NO_ALLOWLIST }), /public http\(s\) address/);
    await assertPublicUrl('http://127.0.0.1:9/', { allow });
  });
});

describe('webhook retries', () => {
  it('when retries are scheduled, then each waits its step within ±20%, the last step repeating', () => {
    const backoff = webhookBackoff([1000, 5000]);
    for (let i = 0; i < 200; i++) {
      const first = backoff(1);
      assert.ok(first >= 800 && first <= 1200, String(first));
      const later = backoff(7);
      assert.ok(later >= 4000 && later <= 6000, String(later));
    }
  });

  it('when the schedule is configured, then it is read as seconds; the default spans about a day, first retry within seconds', () => {
    assert.deepEqual(
      loadConfig({ NODE_ENV: 'development', WEBHOOK_RETRY_SCHEDULE_S: '0.2,1,30' }).WEBHOOK_RETRY_SCHEDULE_S,
      [200, 1000, 30000],
    );
    const def = loadConfig({ NODE_ENV: 'development' }).WEBHOOK_RETRY_SCHEDULE_S;
    const total = def.reduce((a, b) => a + b, 0) / 3_600_000;
    assert.ok(def[0]! <= 10_000);
    assert.ok(total > 20 && total <= 24, `${total} h`);
    assert.throws(
      () => loadConfig({ NODE_ENV: 'development', WEBHOOK_RETRY_SCHEDULE_S: '1,,2' }),
      /WEBHOOK_RETRY_SCHEDULE_S/,
    );
  });

  it('when one occurrence is emitted twice, then it has one event id; another occurrence or site, another id', () => {
    assert.equal(eventIdOf('s', 'comment.approved', 'c1'), eventIdOf('s', 'comment.approved', 'c1'));
    assert.notEqual(eventIdOf('s', 'comment.approved', 'c1'), eventIdOf('s', 'comment.held', 'c1'));
    assert.notEqual(eventIdOf('s', 'comment.approved', 'c1'), eventIdOf('t', 'comment.approved', 'c1'));
  });
});

describe('Disqus HTML to text', () => {
  it('when a message has markup, links and entities, then it becomes plain text with Markdown links and nothing executable', () => {
    assert.equal(htmlToText('<p>a &amp; b</p><p>c<br/>d</p>'), 'a & b\n\nc\nd');
    assert.equal(htmlToText('<a href="https://x.example/p">https://x.example/p</a>'), 'https://x.example/p');
    assert.equal(
      htmlToText('<a href="https://x.example/p">the [best] piece</a>'),
      '[the best piece](https://x.example/p)',
    );
    assert.equal(htmlToText('<a href="javascript:alert(1)">x</a>'), 'x');
    assert.equal(htmlToText('<img src=x onerror=alert(1)>&#0;&#x110000;ok'), 'ok');
  });
});
