import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLexiconScorer } from '../../services/worker/src/scorers/lexicon.js';

const scorer = createLexiconScorer();
const tox = async (t: string) => (await scorer.score(t, { siteId: 's' })).attributes;

describe('lexicon scorer', () => {
  it('when the text is civil, then every attribute is 0', async () => {
    const a = await tox('I disagree with the council\'s budget, but the article is fair.');
    assert.equal(a.TOXICITY, 0);
    assert.equal(a.INSULT, 0);
  });
  it('when the text insults someone, then TOXICITY and INSULT are high', async () => {
    const a = await tox('you are a bitch');
    assert.ok((a.TOXICITY ?? 0) >= 0.5);
    assert.ok((a.INSULT ?? 0) >= 0.5);
  });
  it('when the text hides a word with case, diacritics, zero-width characters, leetspeak or repeats, then it is still found', async () => {
    for (const t of ['BITCH', 'bítch', 'bi\u200btch', 'b1tch', 'biiiitch', 'ｂｉｔｃｈ']) {
      assert.ok(((await tox(`you ${t}`)).TOXICITY ?? 0) >= 0.5, t);
    }
  });
  it('when the text has a slur, then SEVERE_TOXICITY and IDENTITY_ATTACK are near certain', async () => {
    const a = await tox('go away you k1ke');
    assert.ok((a.SEVERE_TOXICITY ?? 0) >= 0.95);
    assert.ok((a.IDENTITY_ATTACK ?? 0) >= 0.95);
  });
  it('when news vocabulary is used in earnest, then it is not scored', async () => {
    const a = await tox('The court heard the rape case; sex education funding was cut.');
    assert.equal(a.TOXICITY, 0);
  });
  it('when the text has numbers or ids, then digits are not read as leetspeak', async () => {
    for (const t of ['Route 455 is closed', 'the score was 455 to 12', 'at 10:55 on 5/5/55', 'ref 01a212cc-20c3-7484-ab84-d531b0dfefdd']) {
      assert.equal((await tox(t)).TOXICITY, 0, t);
    }
    assert.ok(((await tox('you a55hole')).TOXICITY ?? 0) >= 0.5, 'leetspeak inside a word is still found');
  });
  it('when scoring, then provider and model are reported', async () => {
    const r = await scorer.score('hello', { siteId: 's' });
    assert.equal(r.provider, 'embedded');
    assert.ok(r.model.length > 0);
    assert.ok(r.latencyMs >= 0);
  });
});
