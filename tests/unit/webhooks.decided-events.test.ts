import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DECIDED_EVENT, moderatorDecision } from '#shared/webhooks/events.js';

const decision = (before: string, after: string) =>
  moderatorDecision({ siteId: 's', commentId: 'c', before, after, actorId: 'm' });

describe('decided events', () => {
  it('when a comment is approved, held or rejected, then its event is comment.approved, comment.held or comment.rejected', () => {
    assert.deepEqual(DECIDED_EVENT, {
      approved: 'comment.approved',
      pending: 'comment.held',
      rejected: 'comment.rejected',
    });
  });

  it("when a moderator changes a comment's status, then the event is the one its new status maps to", () => {
    assert.deepEqual(decision('approved', 'rejected'), {
      siteId: 's',
      type: 'comment.rejected',
      data: {
        comment: { id: 'c', status: 'rejected', previousStatus: 'approved' },
        by: { kind: 'moderator', id: 'm' },
      },
    });
    assert.equal(decision('rejected', 'pending')?.type, 'comment.held');
  });

  it('when the status does not change, or is not a decision, then there is no event', () => {
    assert.equal(decision('approved', 'approved'), null);
    assert.equal(decision('approved', 'queued'), null);
    assert.equal(decision('approved', 'toString'), null);
  });
});
