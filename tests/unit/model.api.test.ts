import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type EmbeddedScoreContext, createEmbeddedScorer } from '#shared/scoring/embedded.js';
import { createAdapter } from '#shared/scoring/model/adapter.js';
import { HEAD_ATTRIBUTES, createCommentModel } from '#shared/scoring/model/comment.js';

const model = createCommentModel();
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('embedded model library API', () => {
  it('when a comment is scored, then every attribute has a probability, and the features and base logit are returned', () => {
    const s = model.score({ text: 'The council should publish the budget before the vote.' });
    assert.deepEqual(Object.keys(s.attributes).sort(), [...HEAD_ATTRIBUTES].sort());
    for (const a of HEAD_ATTRIBUTES) assert.ok(s.attributes[a] >= 0 && s.attributes[a] <= 1, a);
    assert.ok(Math.abs(sigmoid(s.baseLogit) - s.attributes.TOXICITY) < 1e-9);
    assert.ok(s.features.index.length > 0 && s.features.index.length === s.features.value.length);
    assert.equal(s.context, 'none');
    assert.equal(model.score({ text: 'x' }, { features: false }).features.index.length, 0);
  });

  it('when the same comment is scored twice, then scores and features are identical', () => {
    const input = { text: 'You are a lying fool and everyone here knows it.' };
    const a = model.score(input);
    const b = model.score(input);
    assert.deepEqual(b.attributes, a.attributes);
    assert.deepEqual(Array.from(b.features.index), Array.from(a.features.index));
    assert.equal(b.baseLogit, a.baseLogit);
  });

  it('when the heads are read, then each rises on its own kind of comment more than on a civil one', () => {
    const civil = model.score({ text: 'Thanks for covering the library reopening.' }).attributes;
    assert.ok(model.score({ text: 'You worthless moron, learn to read.' }).attributes.INSULT > civil.INSULT + 0.3);
    assert.ok(model.score({ text: 'I will find you and cut your throat.' }).attributes.THREAT > civil.THREAT + 0.3);
    assert.ok(
      model.score({ text: 'Muslims are filthy animals who should be thrown out.' }).attributes.IDENTITY_ATTACK >
        civil.IDENTITY_ATTACK + 0.3,
    );
    assert.ok(model.score({ text: 'What the fuck is this shit.' }).attributes.PROFANITY >= 0.5);
  });

  it('when a reply only endorses a hateful parent, then it scores at least near the parent; under a civil parent it does not', () => {
    const text = 'Well said, every word.';
    const alone = model.score({ text });
    const hateful = 'Immigrants are filthy rats who should be thrown out of the country.';
    const parent = model.score({ text: hateful }).attributes.TOXICITY;
    const reply = model.score({ text, parentText: hateful });
    assert.equal(reply.context, 'endorses-parent');
    assert.ok(
      reply.attributes.TOXICITY >= 0.95 * parent - 1e-12 && reply.attributes.TOXICITY > alone.attributes.TOXICITY,
    );
    const civil = model.score({ text, parentText: 'The new bus routes will help commuters.' });
    assert.ok(
      civil.attributes.TOXICITY <=
        Math.max(
          alone.attributes.TOXICITY,
          0.95 * model.score({ text: 'The new bus routes will help commuters.' }).attributes.TOXICITY,
        ) +
          1e-12,
    );
    // A reply that disagrees is its own text.
    assert.equal(model.score({ text: 'No, that is a disgusting thing to say.', parentText: hateful }).context, 'none');
  });

  it('when a top-level comment refers to the group the title names, then it is scored as if it named it', () => {
    const r = model.score({
      text: 'Send them back, all of them.',
      articleTitle: 'Refugee families settle in the valley',
    });
    const named = model.score({ text: 'Send immigrants back, all of immigrants.' }).attributes.TOXICITY;
    assert.ok(
      r.attributes.TOXICITY >=
        Math.min(named, model.score({ text: 'Send them back, all of them.' }).attributes.TOXICITY),
    );
    assert.equal(
      model.score({ text: 'Great to see the bakery open.', articleTitle: 'Refugee family opens a bakery' }).context,
      'none',
    );
  });

  it('when the embedded scorer gets context, then it is optional and read', async () => {
    const scorer = createEmbeddedScorer();
    const hateful = 'Immigrants are filthy rats who should be thrown out of the country.';
    const plain = await scorer.score('Well said, every word.', { siteId: 's' });
    const ctx: EmbeddedScoreContext = { siteId: 's', parentText: hateful };
    const withParent = await scorer.score('Well said, every word.', ctx);
    assert.ok(withParent.attributes.TOXICITY! > plain.attributes.TOXICITY!);
    assert.equal(withParent.model, 'toxicity-lr-v8');
  });

  it('when an adapter is fed the library output, then it starts at the shared model', () => {
    const s = model.score({ text: 'This column is lazy and wrong.' });
    assert.ok(Math.abs(createAdapter().predict(s.features, s.baseLogit) - s.attributes.TOXICITY) < 1e-9);
  });
});
