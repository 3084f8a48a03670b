import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isFlagged } from '#worker/comments/surge.js';

/** What counts towards a post's surge: a comment held or rejected for what it says, nothing else. */

const reason = (rule: string) => ({ rule, detail: rule });

describe('a flagged comment, as the surge counts it', () => {
  it('when a rule that read the comment held or rejected it, then it is flagged', () => {
    assert.equal(isFlagged({ status: 'pending', reasons: [reason('toxicity')] }), true);
    assert.equal(isFlagged({ status: 'rejected', reasons: [reason('banned_word')] }), true);
    assert.equal(isFlagged({ status: 'pending', reasons: [reason('scorer_fallback'), reason('links')] }), true);
  });

  it('when it was held for everyone, or because a scorer was down or stood in, then it is not flagged', () => {
    for (const reasons of [
      [reason('premod')],
      [reason('surge')],
      [reason('scorer_fallback'), reason('premod')],
      [reason('scorer_fallback'), reason('surge')],
      [reason('scorer_unavailable')],
      [reason('parent_unavailable')],
    ])
      assert.equal(isFlagged({ status: 'pending', reasons }), false, JSON.stringify(reasons));
    assert.equal(isFlagged({ status: 'rejected', reasons: [reason('author_banned')] }), false);
    assert.equal(isFlagged({ status: 'approved', reasons: [reason('scorer_fallback')] }), false);
  });
});
