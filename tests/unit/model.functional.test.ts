import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { modelText } from '#shared/scoring/model/features.js';
import type { Example } from '../../services/worker/training/datasets.js';
import { FUNCTIONAL_SUITE } from '../../services/worker/training/functional/cases.js';
import { runSuite } from '../../services/worker/training/functional/run.js';
import { withoutFunctionalCases, writtenSentences } from '../../services/worker/training/recipe.js';

const cases = FUNCTIONAL_SUITE.flatMap((c) => c.cases.map((k) => ({ id: c.id, ...k })));

describe('functional suite', () => {
  it('when loaded, then it has at least 25 categories of at least 20 distinct cases, each with a wanted behaviour', () => {
    assert.ok(FUNCTIONAL_SUITE.length >= 25, String(FUNCTIONAL_SUITE.length));
    assert.equal(new Set(FUNCTIONAL_SUITE.map((c) => c.id)).size, FUNCTIONAL_SUITE.length, 'category ids are unique');
    for (const c of FUNCTIONAL_SUITE) {
      assert.ok(c.cases.length >= 20, `${c.id}: ${c.cases.length}`);
      assert.equal(typeof c.hold, 'boolean');
      assert.ok(c.description.length > 0);
      assert.equal(
        new Set(c.cases.map((k) => `${k.text}|${k.parentText ?? ''}|${k.articleTitle ?? ''}`)).size,
        c.cases.length,
        `${c.id}: duplicate case`,
      );
    }
    assert.ok(FUNCTIONAL_SUITE.some((c) => c.hold) && FUNCTIONAL_SUITE.some((c) => !c.hold));
  });

  it('when compared with the sentences written for training, then no case is one of them (as the model reads them)', () => {
    const written = new Set(writtenSentences().map((e) => modelText(e.text)));
    for (const k of cases) assert.ok(!written.has(modelText(k.text)), `${k.id}: ${k.text}`);
  });

  it('when training data holds a functional case, however written, then it is left out of training and named', () => {
    const [holdCase, publishCase] = [cases.find((k) => k.text.length > 20)!, cases.at(-1)!];
    const rows: Example[] = [
      { text: holdCase.text.toUpperCase().replace(/ /g, '  '), label: 1, source: 'olid' },
      { text: `${publishCase.text}!!`, label: 0, source: 'davidson' },
      { text: 'The council meets on Tuesday.', label: 0, source: 'davidson' },
    ];
    const { kept, removed } = withoutFunctionalCases(rows);
    assert.deepEqual(
      kept.map((e) => e.text),
      ['The council meets on Tuesday.'],
    );
    assert.equal(removed.length, 2);
  });

  it('when the suite runs through the shipped scorer, then a category is held as TOXICITY holds it, and THREAT alone holds the threats and no category a newsroom publishes', () => {
    const { results } = runSuite();
    assert.equal(results.length, FUNCTIONAL_SUITE.length);
    for (const r of results) {
      assert.equal(r.heldBy.TOXICITY, r.held, r.id);
      assert.ok(Math.abs(r.pass - (r.hold ? r.held : 1 - r.held)) < 1e-12, r.id);
      if (r.id.startsWith('threat-')) assert.ok(r.heldBy.THREAT >= 0.5, `${r.id}: THREAT holds ${r.heldBy.THREAT}`);
      if (!r.hold) assert.equal(r.heldBy.THREAT, 0, `${r.id}: THREAT holds ${r.heldBy.THREAT}`);
    }
  });
});
