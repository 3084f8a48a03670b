import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { comparableText, minhash, similarity, textHash } from '#worker/rules/fingerprint.js';
import { MIN_CAMPAIGN_CHARS } from '#worker/pipeline/coordinated.js';

/** How the repeat and campaign rules compare texts: what readers see alike compares alike. */

const CAMPAIGN = 'The stadium deal is a giveaway to billionaires and the council knows it very well.';

describe('texts as the repeat and campaign rules compare them', () => {
  it('when a text differs only by invisible characters, astral ones included, then it is the same text', () => {
    for (const invisible of ['\u200b', '\u3164', '\uffa0', '\u180b', '\u{1d173}', '\u{e0020}', '\u{e0100}'])
      assert.equal(
        textHash(`Great point${invisible}, thanks`),
        textHash('Great point, thanks'),
        invisible.codePointAt(0)?.toString(16),
      );
  });

  it('when Latin letters are swapped for Cyrillic or Greek look-alikes, then it is the same text, and a campaign stays one', () => {
    const disguised = CAMPAIGN.replace(/a/g, 'а').replace(/o/g, 'ο').replace(/e/g, 'е');
    assert.notEqual(disguised, CAMPAIGN);
    assert.equal(comparableText(disguised), comparableText(CAMPAIGN));
    const sim = similarity(minhash(disguised, MIN_CAMPAIGN_CHARS)!, minhash(CAMPAIGN, MIN_CAMPAIGN_CHARS)!);
    assert.ok(sim >= 0.9, `similarity ${sim}`);
  });

  it('when texts differ in their digits or words, then they stay different', () => {
    assert.notEqual(textHash("I'd pay 5 for it"), textHash("I'd pay 50 for it"));
    assert.notEqual(comparableText('Ρ ο s t'), comparableText('Post office'));
  });
});
