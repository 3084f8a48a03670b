import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cappedJitterBackoff, commentJobId } from '#shared/queues.js';
import { apiKeyMatches, generateApiKey, parseApiKey } from '#shared/secrets.js';

describe('retry backoff', () => {
  it('when attempts grow, then the delay doubles within jitter and never exceeds the cap', () => {
    const backoff = cappedJitterBackoff(1000, 8000);
    for (let i = 0; i < 50; i++) {
      const d1 = backoff(1);
      assert.ok(d1 >= 500 && d1 <= 1000, String(d1));
      const d3 = backoff(3);
      assert.ok(d3 >= 2000 && d3 <= 4000, String(d3));
      const d10 = backoff(10);
      assert.ok(d10 >= 4000 && d10 <= 8000, String(d10));
    }
  });
});

describe('job ids', () => {
  it('when a comment id is given, then the job id is derived from it without a colon', () => {
    const id = commentJobId('01a212cc-20c3-7484-ab84-d531b0dfefdd');
    assert.equal(id, 'comment-01a212cc-20c3-7484-ab84-d531b0dfefdd');
    assert.ok(!id.includes(':'));
  });
});

describe('API keys', () => {
  it('when a key is generated, then it parses and matches only its own hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const parsed = parseApiKey(a.key);
    assert.ok(parsed);
    assert.equal(parsed.id, a.id);
    assert.equal(apiKeyMatches(parsed.secret, a.secretHash), true);
    assert.equal(apiKeyMatches(parsed.secret, b.secretHash), false);
    assert.equal(parseApiKey('ck_short_x'), null);
    assert.equal(parseApiKey(`${a.key}x`), null);
  });
});
