import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCodedHate } from '#shared/scoring/coded-hate.js';
import { WARM_UP_TEXTS, warmUp } from '#shared/scoring/embedded.js';
import { findGroupHate, onlyDeniesHate } from '#shared/scoring/group-phrases.js';
import { withoutUndirectedProfanity } from '#shared/scoring/profanity.js';
import { withoutReportedQuotations } from '#shared/scoring/quotation.js';
import { findThreats } from '#shared/scoring/threat-phrases.js';
import type { Scorer } from '#shared/scoring/types.js';

describe('warming the embedded scorer up before the first comment', () => {
  it('when the warm-up comments are read, then each reaches the phrase reader it is there for', () => {
    const [intent, condition, wish, group, implicit, denial, quoted, swearing, coded, civil] = WARM_UP_TEXTS;
    for (const t of [intent!, condition!, wish!]) assert.ok(findThreats(t).length > 0, t);
    for (const t of [group!, implicit!]) assert.ok(findGroupHate(t).length > 0, t);
    assert.ok(onlyDeniesHate(denial!), denial);
    assert.notEqual(withoutReportedQuotations(quoted!), null, quoted);
    assert.notEqual(withoutUndirectedProfanity(swearing!), null, swearing);
    assert.ok(findCodedHate(coded!).length > 0, coded);
    assert.deepEqual([...findThreats(civil!), ...findGroupHate(civil!), ...findCodedHate(civil!)], [], civil);
  });

  it('when a scorer is warmed up, then it scores every warm-up comment twice, in order, and reports the time taken', async () => {
    const seen: string[] = [];
    const scorer: Scorer = {
      name: 'embedded',
      async score(text) {
        seen.push(text);
        return { attributes: {}, provider: 'embedded', model: 'none', latencyMs: 0 };
      },
    };
    const ms = await warmUp(scorer);
    assert.deepEqual(seen, [...WARM_UP_TEXTS, ...WARM_UP_TEXTS]);
    assert.ok(ms >= 0 && Number.isFinite(ms));
  });
});
