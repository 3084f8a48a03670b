import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline } from '../../services/worker/src/pipeline/index.js';
import type { ModerationContext } from '../../services/worker/src/pipeline/types.js';
import type { Scorer } from '../../services/worker/src/scorers/types.js';
import { createLexiconScorer } from '../../services/worker/src/scorers/lexicon.js';
import type { User } from '../../shared/src/domain.js';

const author: User = {
  id: 'u', siteId: 's', displayName: 'A', email: null, role: 'commenter', status: 'active', suspendedUntil: null, createdAt: new Date(),
};
const ctx = (body: string, o: Partial<ModerationContext> = {}): ModerationContext => ({
  comment: { commentId: 'c', siteId: 's', postId: 'p', authorId: 'u', parentId: null, body, acceptedAt: new Date().toISOString() },
  author,
  parentStatus: null,
  settings: { holdThreshold: 0.5, rejectThreshold: 0.95, maxBodyLength: 5000 },
  scorers: [createLexiconScorer()],
  scores: {},
  ...o,
});
const fixed = (toxicity: number): Scorer => ({
  name: 'fixed',
  score: async () => ({ attributes: { TOXICITY: toxicity }, provider: 'test', model: 'fixed', latencyMs: 0 }),
});

describe('moderation pipeline', () => {
  it('when nothing objects, then the comment is approved with its scores', async () => {
    const d = await runPipeline(ctx('A thoughtful comment.'));
    assert.equal(d.status, 'approved');
    assert.deepEqual(d.reasons, []);
    assert.equal(d.scores.TOXICITY, 0);
    assert.equal(d.scores['lexicon.TOXICITY'], 0);
  });
  it('when toxicity reaches the hold threshold, then pending; the reject threshold, then rejected', async () => {
    assert.equal((await runPipeline(ctx('x', { scorers: [fixed(0.49)] }))).status, 'approved');
    const held = await runPipeline(ctx('x', { scorers: [fixed(0.5)] }));
    assert.equal(held.status, 'pending');
    assert.equal(held.reasons[0]?.code, 'toxic');
    assert.equal((await runPipeline(ctx('x', { scorers: [fixed(0.95)] }))).status, 'rejected');
  });
  it('when a site lowers its thresholds, then they apply', async () => {
    const d = await runPipeline(ctx('x', { scorers: [fixed(0.3)], settings: { holdThreshold: 0.2, rejectThreshold: 0.9, maxBodyLength: 5000 } }));
    assert.equal(d.status, 'pending');
  });
  it('when a scorer fails, then the comment is held with check_unavailable, never approved', async () => {
    const broken: Scorer = { name: 'remote', score: async () => { throw new Error('timeout'); } };
    const d = await runPipeline(ctx('A fine comment', { scorers: [createLexiconScorer(), broken] }));
    assert.equal(d.status, 'pending');
    assert.equal(d.reasons[0]?.code, 'check_unavailable');
    assert.match(d.reasons[0]!.message, /remote/);
  });
  it('when the author is banned, then rejected before any scorer runs', async () => {
    let called = false;
    const spy: Scorer = { name: 'spy', score: async () => { called = true; return { attributes: {}, provider: 't', model: 't', latencyMs: 0 }; } };
    const d = await runPipeline(ctx('hi', { author: { ...author, status: 'banned' }, scorers: [spy] }));
    assert.equal(d.status, 'rejected');
    assert.equal(d.reasons[0]?.code, 'author_banned');
    assert.equal(called, false);
  });
  it('when a reply\'s parent is no longer approved, then the reply is held with parent_unavailable', async () => {
    const reply = (parentStatus: 'approved' | 'rejected' | null) =>
      runPipeline(ctx('a reply', { parentStatus, comment: { ...ctx('a reply').comment, parentId: 'p1' } }));
    assert.equal((await reply('approved')).status, 'approved');
    const held = await reply('rejected');
    assert.equal(held.status, 'pending');
    assert.equal(held.reasons[0]?.code, 'parent_unavailable');
    assert.equal((await reply(null)).status, 'pending');
  });
  it('when the body is longer than the site allows, then rejected as too_long', async () => {
    const d = await runPipeline(ctx('x'.repeat(101), { settings: { holdThreshold: 0.5, rejectThreshold: 0.95, maxBodyLength: 100 } }));
    assert.equal(d.status, 'rejected');
    assert.equal(d.reasons[0]?.code, 'too_long');
  });
});
