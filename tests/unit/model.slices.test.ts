import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SLICES, figuresRow, sliceFigures, sourceFigures } from '../../services/worker/training/slices.js';

const slice = (id: string) => SLICES.find((s) => s.id === id)!;

describe("model:eval's slices of real comments", () => {
  it('when a comment asks a question and names a protected group, then it is in the question slice; a question about no group or a statement about one is not', () => {
    assert.ok(slice('group-question').includes('Why do Somalis get council houses first?'));
    assert.ok(slice('group-question').includes('Are the refugees in the hotel being moved? Asking for my mum.'));
    assert.ok(!slice('group-question').includes('Why is the bus late again?'));
    assert.ok(!slice('group-question').includes('Somalis get council houses first.'));
  });

  it('when a comment quotes something and names a protected group, then it is in the quotation slice', () => {
    assert.ok(slice('group-quotation').includes('A man shouted "Muslims out" at the vigil.'));
    assert.ok(!slice('group-quotation').includes('A man shouted "get out" at the referee.'));
    assert.ok(!slice('group-quotation').includes('A man shouted at the Muslims at the vigil.'));
  });

  it('when scores and labels are given, then each slice has its count, positives, ROC AUC and held shares from its own rows only', () => {
    const texts = [
      'Why are Muslims so violent?', // in the question slice, toxic
      'Why do Muslims fast in Ramadan?', // in the question slice, civil
      'Why are refugees housed in hotels?', // in the question slice, civil
      'Why is the bus late?', // in no slice
      'He said "Jews out" and was arrested.', // in the quotation slice, civil
    ];
    const scores = [0.9, 0.2, 0.75, 0.99, 0.1];
    const labels = [1, 0, 0, 1, 0];
    const [questions, quotations] = sliceFigures(texts, scores, labels, 0.7);
    assert.deepEqual(questions, {
      id: 'group-question',
      description: 'asks a question and names a protected group',
      n: 3,
      positives: 1,
      auc: 1,
      heldToxic: 1,
      heldCivil: 0.5,
    });
    assert.equal(quotations!.id, 'group-quotation');
    assert.equal(quotations!.n, 1);
    assert.equal(quotations!.positives, 0);
    assert.ok(Number.isNaN(quotations!.auc), 'one label only: no AUC');
    assert.ok(Number.isNaN(quotations!.heldToxic));
    assert.equal(quotations!.heldCivil, 0);
  });

  it('when rows name their sources, then each source has its own count, positives, ROC AUC and held shares, in order of first appearance', () => {
    const sources = ['olid', 'wiki', 'olid', 'wiki', 'olid', 'cc', 'wiki'];
    const scores = [0.9, 0.1, 0.2, 0.8, 0.75, 0.95, 0.3];
    const labels = [1, 0, 0, 1, 0, 1, 1];
    const [olid, wiki, cc] = sourceFigures(sources, scores, labels, 0.7);
    // olid: one toxic row ranked above both civil ones; one civil row of two held
    assert.deepEqual(olid, { id: 'olid', n: 3, positives: 1, auc: 1, heldToxic: 1, heldCivil: 0.5 });
    // wiki: toxic 0.8 and 0.3 against civil 0.1: both above it; one toxic row of two held
    assert.deepEqual(wiki, { id: 'wiki', n: 3, positives: 2, auc: 1, heldToxic: 0.5, heldCivil: 0 });
    assert.equal(cc!.n, 1);
    assert.ok(Number.isNaN(cc!.auc), 'one label only: no AUC');
    assert.ok(Number.isNaN(cc!.heldCivil));
    // A toxic row between two civil ones: half its pairs ranked right.
    const [between] = sourceFigures(['olid', 'olid', 'olid'], [0.3, 0.75, 0.1], [1, 0, 0], 0.7);
    assert.equal(between!.auc, 0.5);
  });

  it('when a row of figures is printed, then a figure without rows to measure shows as a dash, not NaN', () => {
    const [olid, cc] = sourceFigures(['olid', 'olid', 'cc'], [0.9, 0.2, 0.8], [1, 0, 1], 0.7);
    assert.equal(figuresRow('olid', olid!), '| olid | 2 (1) | 1.0000 | 100.0% | 0.0% |');
    assert.equal(figuresRow('cc', cc!), '| cc | 1 (1) | — (one label) | 100.0% | — |');
  });
});
