import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createModelClassifier } from '#shared/scoring/model/classifier.js';
import { loadModel } from '#shared/scoring/model/index.js';
import { createLexiconClassifier } from '#shared/scoring/lexicon.js';
import { findThreats } from '#shared/scoring/threat-phrases.js';
import { DEFAULT_SETTINGS } from '#shared/settings.js';

// Written for this test, one or more per shape; none is a functional-suite case.
const THREATS = [
  // intent, conditional intent
  'I will kill you',
  "i'll shoot him",
  "I'm going to stab you",
  'im gonna kill u',
  'imma kill you',
  'we are going to hang them all',
  'If you come here again I will break your legs',
  "if I see him I'd kill him",
  "I'll beat the shit out of you",
  "I'm going to put a bullet in your head",
  "I'd love to strangle the editor",
  "I swear I'll burn you alive",
  "we'll make them bleed",
  // calls and orders
  'Somebody should shoot him',
  'someone needs to kill that judge',
  'we need to exterminate these people',
  'we should lynch them',
  'kill them all',
  'Hang him. Now.',
  "let's kill them all",
  // norms
  'They should all be hanged',
  'people like her deserve to die',
  'he deserves a bullet',
  'the author should be shot',
  'all immigrants should be killed',
  'Gays deserve to be beaten to death',
  'the reporter needs to be put down',
  'the traitor should fry',
  'he should be taken out back and shot',
  // wishes
  'i hope you die',
  'hope your family gets cancer',
  'may they burn in hell',
  'I hope he gets shot',
  'i wish you would die',
  "I'd love to see them hang",
  // menace, orders to die
  'I know where you live',
  "you're dead meat",
  "you'll be shot",
  'one more word and you’re dead',
  'kill yourself',
  'go die in a fire',
  'kys',
  'get a rope',
];

const NOT_THREATS = [
  // the same verbs, no person as object
  'kill the bill',
  "i'll kill it tonight",
  'we need to kill this proposal',
  'we will beat them on saturday',
  "we'll destroy them in the election",
  'I will hang her picture on the wall',
  "I'll shoot you an email",
  'we should hang out',
  'kill them with kindness',
  'the bill should die in committee',
  // reported, past or passive without a norm
  'the suspect will kill again',
  'police said he threatened to kill two people',
  'the man was shot dead on tuesday',
  'he was sentenced to be hanged',
  'Should the suspect be executed?',
  'murderers should face trial',
  // negated
  'i would never hurt you',
  'nobody deserves to die',
  'no one should be killed for their beliefs',
  'they should not be hanged',
  "i hope you don't die",
  "don't kill yourself",
  // civil wishes and idioms
  'I hope you win',
  'i hope they get well soon',
  "you'll kill yourself laughing",
  'drop dead gorgeous',
  "you're dead wrong",
  "we're all going to die of heat",
  "you'll get hurt if you don't stretch",
  'I hope no one gets hurt',
  'she deserves the death penalty',
];

describe('threats by their grammar', () => {
  it('when a text threatens, calls for, wishes or orders violence against a person or a group, then it is found', () => {
    for (const t of THREATS) assert.ok(findThreats(t).length > 0, t);
  });

  it('when the same words hit a thing, report violence, are negated or are an idiom, then nothing is found', () => {
    for (const t of NOT_THREATS) assert.deepEqual(findThreats(t), [], t);
  });

  it('when a threat sits inside other text, then its span covers it exactly', () => {
    const text = 'Nice article. But if I see the editor again I will kill him, believe me.';
    const [span, ...more] = findThreats(text);
    assert.equal(more.length, 0);
    assert.equal(text.slice(span!.start, span!.end), 'I will kill him');
  });

  it('when the text is any string at all, then finding never throws and every span lies inside the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom(...THREATS, ...NOT_THREATS), (noise, t) => {
        const text = `${noise} ${t} ${noise}`;
        for (const s of findThreats(text)) assert.ok(0 <= s.start && s.start < s.end && s.end <= text.length);
      }),
      { seed: 7, numRuns: 2_000 },
    );
  });

  it('when the embedded scorer reads a threat, then the comment is held (not rejected) with THREAT and its span; a civil twin is not held', () => {
    const classifier = createModelClassifier(loadModel(), createLexiconClassifier());
    const hold = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
    const reject = DEFAULT_SETTINGS.thresholds.reject.SEVERE_TOXICITY!;
    const threat = classifier.classifyComment({ text: 'someone needs to kill that judge' });
    assert.ok(threat.attributes.TOXICITY! >= hold, String(threat.attributes.TOXICITY));
    assert.ok(threat.attributes.THREAT! >= 0.9);
    assert.ok((threat.attributes.SEVERE_TOXICITY ?? 0) < reject);
    assert.deepEqual(
      threat.spans?.filter((s) => s.attribute === 'THREAT'),
      [{ start: 0, end: 32, attribute: 'THREAT' }],
    );
    const civil = classifier.classifyComment({ text: 'someone needs to call that judge' });
    assert.ok(civil.attributes.TOXICITY! < hold, String(civil.attributes.TOXICITY));
    assert.equal(
      civil.spans?.some((s) => s.attribute === 'THREAT'),
      false,
    );
  });

  it("when a reply only agrees with a threatening parent, then it inherits the parent's hold", () => {
    const classifier = createModelClassifier(loadModel(), createLexiconClassifier());
    const hold = DEFAULT_SETTINGS.thresholds.hold.TOXICITY!;
    const reply = classifier.classifyComment({ text: 'exactly', parentText: 'someone needs to kill that judge' });
    assert.ok(reply.attributes.TOXICITY! >= hold, String(reply.attributes.TOXICITY));
  });
});
