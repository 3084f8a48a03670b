import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agreement } from '#shared/agreement.js';

/** How a score agrees with moderators' decisions: AUC with ties, precision and recall at a threshold. */
describe('scorer agreement with moderators', () => {
  it('when scores rank every rejection above every approval, then AUC is 1 and the threshold splits them', () => {
    const a = agreement(
      [
        { score: 0.9, label: 1 },
        { score: 0.8, label: 1 },
        { score: 0.3, label: 0 },
        { score: 0.1, label: 0 },
      ],
      0.5,
    );
    assert.deepEqual(a, { n: 4, rejected: 2, auc: 1, precision: 1, recall: 1 });
  });

  it('when scores tie across labels, then the tie counts half, and precision and recall count what crosses the threshold', () => {
    const a = agreement(
      [
        { score: 0.7, label: 1 },
        { score: 0.7, label: 0 },
        { score: 0.2, label: 1 },
        { score: 0.1, label: 0 },
      ],
      0.7,
    );
    // Pairs (rejected, approved): (0.7, 0.7) half, (0.7, 0.1) won, (0.2, 0.7) lost, (0.2, 0.1) won → 2.5 / 4.
    assert.equal(a.auc, 0.625);
    assert.equal(a.precision, 0.5);
    assert.equal(a.recall, 0.5);
  });

  it('when one label is missing or nothing crosses the threshold, then the figures that cannot be measured are null', () => {
    assert.deepEqual(agreement([{ score: 0.9, label: 0 }], 0.5), {
      n: 1,
      rejected: 0,
      auc: null,
      precision: 0,
      recall: null,
    });
    assert.deepEqual(agreement([], 0.5), { n: 0, rejected: 0, auc: null, precision: null, recall: null });
    assert.equal(agreement([{ score: 0.1, label: 1 }], 0.5).precision, null);
  });
});
