import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { automatedDetection, automatedStatement } from '#shared/dsa/statements.js';
import { DEFAULT_SETTINGS } from '#shared/settings.js';

/** Which automated holds and removals owe their author a statement of reasons (DSA Art. 17), and what it says. */

const comment = { siteId: 's', commentId: '00000000-0000-4000-8000-000000000001', authorId: 'a' };
const dsaOn = { dsa: { ...DEFAULT_SETTINGS.dsa, enabled: true } };

describe('automated statements of reasons', () => {
  it('when a content rule holds a comment, then its author gets a statement that says automated means found it', () => {
    const s = automatedStatement(
      comment,
      { status: 'pending', reasons: [{ rule: 'toxicity', detail: 'TOXICITY 0.91' }] },
      dsaOn,
    );
    assert.equal(s?.restriction, 'hold');
    assert.equal(s?.automatedDetection, true);
    assert.equal(automatedDetection('pending', [{ rule: 'toxicity', detail: '' }]), true);
  });

  it("when a surge pre-moderates the post, then a comment held for that alone has no statement, and a moderator's later removal was not found by automated means", () => {
    const surge = { rule: 'surge', detail: 'this post is pre-moderated while a surge of flagged comments lasts' };
    assert.equal(automatedStatement(comment, { status: 'pending', reasons: [surge] }, dsaOn), null);
    assert.equal(automatedDetection('pending', [surge]), false);
    // Pre-moderation of every comment is the same.
    assert.equal(
      automatedStatement(comment, { status: 'pending', reasons: [{ rule: 'premod', detail: '' }] }, dsaOn),
      null,
    );
  });

  it('when the scorer held a comment, a moderator approved it and readers then reported it, then its removal was not detected by automated means', () => {
    const history = [
      { rule: 'toxicity', detail: 'TOXICITY 0.81' },
      { rule: 'moderator', detail: 'approved by Dana' },
      { rule: 'reports', detail: 'held after 3 reports' },
    ];
    assert.equal(automatedDetection('pending', history), false);
    assert.equal(automatedDetection('pending', history.slice(0, 1)), true, 'the first hold was');
  });
});
