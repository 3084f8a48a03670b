import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfter, probability, RemoteFailure } from '#worker/scorers/http.js';
import { CATEGORY_MAP } from '#worker/scorers/openai.js';
import { normalizeText, originalRange } from '#shared/scoring/normalize.js';

describe('remote scorer parts', () => {
  it('when Retry-After is seconds or an HTTP date, then it is read as milliseconds; nonsense is ignored', () => {
    assert.equal(parseRetryAfter('2'), 2000);
    assert.equal(parseRetryAfter('0.5'), 500);
    const now = Date.parse('2026-11-25T12:00:00Z');
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });

  it('when a provider answers a score outside [0, 1] or not a number, then it is a malformed answer', () => {
    assert.equal(probability('p', 0.3, 'x'), 0.3);
    for (const bad of [-0.1, 1.5, Number.NaN, '0.5', null, undefined]) {
      assert.throws(
        () => probability('p', bad, 'x'),
        (e: unknown) => e instanceof RemoteFailure && e.label === 'malformed',
      );
    }
  });

  it('when OpenAI categories are mapped, then every attribute but SPAM has a source and topic-only categories stay out of TOXICITY', () => {
    for (const [attribute, categories] of Object.entries(CATEGORY_MAP)) {
      if (attribute !== 'SPAM') assert.ok(categories.length > 0, attribute);
    }
    for (const topic of ['violence', 'violence/graphic', 'sexual', 'illicit', 'self-harm']) {
      assert.ok(!CATEGORY_MAP.TOXICITY.includes(topic), topic);
    }
  });
});

describe('normalisation', () => {
  const cases: [string, string][] = [
    ['ＨＥＬＬＯ', 'hello'],
    ['Crème brûlée', 'creme brulee'],
    ['a\u200bb\u2060c\uFEFFd', 'abcd'],
    ['fμck', 'fuck'],
    ['раураl', 'paypal'],
    ['𝐛𝐨𝐥𝐝', 'bold'],
    ['f.u.c.k off', 'fuck off'],
    ['s h i t', 'shit'],
    ['e.g. this', 'e.g. this'],
    ['Straße', 'strasse'],
    ['ﾊﾞｶ', 'ハ\u3099カ'],
    ['काम', 'काम'],
  ];
  for (const [text, folded] of cases) {
    it(`when the text is ${JSON.stringify(text)}, then it folds to ${JSON.stringify(folded)} with a way back to the original`, () => {
      const n = normalizeText(text);
      assert.equal(n.text, folded);
      const whole = originalRange(n, 0, n.text.length);
      assert.equal(whole.start, 0);
      assert.equal(text.slice(whole.end).replace(/[\u200b\u2060\uFEFF]/g, ''), '');
    });
  }
});
