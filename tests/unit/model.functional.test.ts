import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { modelText } from '#shared/scoring/model/features.js';
import { readAddedSet, readDavidson, readOlid, ADDED_SETS } from '../../services/worker/training/datasets.js';
import { FUNCTIONAL_SUITE } from '../../services/worker/training/functional/cases.js';
import { readSources, writtenSentences } from '../../services/worker/training/recipe.js';

const DATA = fileURLToPath(new URL('../../../shared/datasets', import.meta.url));
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

  it('when compared with the labelled data sets, then no case is a row of them, and training reads none', {
    skip: !existsSync(DATA) && `no data sets at ${DATA}`,
  }, () => {
    const raw = new Set(
      [...readDavidson(DATA), ...readOlid(DATA), ...ADDED_SETS.flatMap((s) => readAddedSet(DATA, s))].map((e) =>
        modelText(e.text),
      ),
    );
    // Replies that only agree ("Spot on.") are as short as some tweets: the suite's own texts must not be rows.
    for (const k of cases) assert.ok(!raw.has(modelText(k.text)), `${k.id}: ${k.text} is in a data set`);
    const trained = new Set(readSources(DATA).map((e) => modelText(e.text)));
    for (const k of cases) assert.ok(!trained.has(modelText(k.text)), `${k.id}: ${k.text}`);
  });
});
