import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Statement } from '#shared/db/dsa-statements.js';
import { tdbStatement } from '#shared/dsa/tdb.js';

const statement = (o: Partial<Statement>): Statement & { contentDate: Date | null } => ({
  id: '01900000-0000-7000-8000-0000000000aa',
  siteId: 'site-a',
  commentId: '01900000-0000-7000-8000-0000000000bb',
  userId: '01900000-0000-7000-8000-0000000000cc',
  restriction: 'removal',
  decision: 'removed',
  facts: 'A moderator reviewed it.',
  ground: 'incompatible_content',
  groundDetail: 'site rules',
  category: null,
  source: 'moderator',
  automatedDetection: false,
  automatedDecision: false,
  manifestlyIllegal: false,
  noticeId: null,
  decidedBy: null,
  redress: 'internal complaint',
  appealUntil: new Date('2027-06-01T00:00:00Z'),
  endsAt: null,
  reversedAt: null,
  withdrawnAt: null,
  createdAt: new Date('2026-12-01T10:00:00Z'),
  contentDate: null,
  ...o,
});

describe("statements in the Transparency Database's format", () => {
  it("when a moderator's reason is longer than the database takes, then the ground is cut to its 500 characters", () => {
    const long = `site rules: ${'a reason written at length, '.repeat(40)}`;
    const s: Record<string, unknown> = tdbStatement(statement({ groundDetail: long }), { territorialScope: ['DE'] });
    const ground = String(s.incompatible_content_ground);
    assert.equal(ground.length, 500);
    assert.ok(ground.startsWith('site rules: a reason written at length'));
    assert.ok(ground.endsWith('…'));
    const short: Record<string, unknown> = tdbStatement(statement({ groundDetail: 'site rules: off topic' }), {
      territorialScope: ['DE'],
    });
    assert.equal(short.incompatible_content_ground, 'site rules: off topic');
  });

  it("when a notice's category is the site's own, then it goes as the keyword asking for a specification, with the category as that", () => {
    const s: Record<string, unknown> = tdbStatement(statement({ category: 'election_misinformation' }), {
      territorialScope: ['DE'],
    });
    assert.deepEqual(s.category_specification, ['KEYWORD_OTHER']);
    assert.equal(s.category_specification_other, 'election_misinformation');
    const known: Record<string, unknown> = tdbStatement(statement({ category: 'defamation' }), {
      territorialScope: ['DE'],
    });
    assert.equal(known.category, 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH');
    assert.equal('category_specification' in known, false);
    assert.equal('category_specification_other' in known, false);
  });
});
