import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileShapes, inGroups, ownShapeMatches, withShortSpaces } from '#shared/scoring/shapes.js';
import { ownMatches } from '#shared/scoring/quotation.js';
import { findThreats } from '#shared/scoring/threat-phrases.js';

const SHAPES = ['kill\\s+you', 'you', 'kill', 'go\\s+die', 'die\\s+down', 'i\\s+will\\s+kill', 'down'];
const WORDS = ['kill', 'you', 'go', 'die', 'down', 'i', 'will', '"', 'said', ' ', '  ', '.'];

describe('phrase shapes compiled in parts', () => {
  it('when the shapes are longer than one expression may be, then each part stays under the size and every shape is in one', () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}(?:${'x|'.repeat(200)}y)`);
    const parts = compileShapes(long, (a) => `\\b(?:${a})`);
    assert.ok(parts.length > 1);
    for (const re of parts) assert.ok(re.source.length < 20_000, String(re.source.length));
    for (const [i] of long.entries()) assert.equal(parts.filter((re) => re.source.includes(`word${i}(`)).length, 1);
  });

  it("when a text is read by the parts, then they start where one alternation's matches start, and none overlaps another", () => {
    const one = compileShapes(SHAPES, (a) => `\\b(?:${a})`);
    const many = compileShapes(SHAPES, (a) => `\\b(?:${a})`, 12);
    assert.equal(one.length, 1);
    assert.ok(many.length >= SHAPES.length - 1);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 30 }), (words) => {
        const text = words.join(' ');
        const reference = [...ownMatches(one[0]!, text)];
        const merged = ownShapeMatches(many, text);
        assert.deepEqual(
          merged.map((m) => m.index),
          reference.map((m) => m.index),
          text,
        );
        let end = 0;
        for (const m of merged) {
          assert.ok(m.index >= end && m[0].length > 0 && m.index + m[0].length <= text.length, text);
          end = m.index + m[0].length;
        }
      }),
      { seed: 7, numRuns: 2_000 },
    );
  });

  it('when alternatives are grouped, then each group stays under the size, keeps their order, and holds each once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ minLength: 1, maxLength: 40 }).filter((a) => !a.includes('|')),
          { maxLength: 60 },
        ),
        (alternatives) => {
          const groups = inGroups(alternatives, 100);
          for (const g of groups) assert.ok(g.length <= 100 || !g.includes('|'), g);
          assert.deepEqual(groups.join('|'), alternatives.join('|'));
          assert.equal(groups.length === 0, alternatives.length === 0);
        },
      ),
      { seed: 11, numRuns: 1_000 },
    );
  });
});

describe('long runs of whitespace, filled for the phrase readers', () => {
  it('when a text of 256 characters or more has runs of eight or more whitespace characters, then each keeps its ends and its length, and nothing else changes; a shorter one is left as it is', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(' ', '\n', '\t', 'a', 'kill her', '.'), fc.string({ maxLength: 12 })), {
          maxLength: 40,
        }),
        (parts) => {
          const text = `${parts.join('')} ${'word '.repeat(60)}`;
          const short = withShortSpaces(text);
          assert.equal(short.length, text.length);
          assert.doesNotMatch(short, /\s{8,}/);
          for (let i = 0; i < text.length; i++)
            if (short[i] !== text[i]) {
              assert.equal(short[i], '·');
              assert.match(text[i]!, /\s/);
            }
          for (const run of text.matchAll(/\s{8,}/g)) {
            assert.equal(short[run.index], text[run.index]);
            assert.equal(short[run.index + run[0].length - 1], text[run.index + run[0].length - 1]);
          }
        },
      ),
      { seed: 31, numRuns: 2_000 },
    );
    assert.equal(withShortSpaces('no long runs here'), 'no long runs here');
    assert.equal(withShortSpaces(`short${' '.repeat(20)}text`), `short${' '.repeat(20)}text`);
  });

  it('when a threat is padded with thousands of spaces, then it is found at its own offsets, and no phrase spans a long run', () => {
    const padded = `${' '.repeat(4_000)}I will kill you.${' '.repeat(990)}`;
    assert.deepEqual(findThreats(padded), [{ start: 4_000, end: 4_015 }]);
    assert.deepEqual(findThreats(`I will kill${' '.repeat(20)}you. ${'The rest of a long comment. '.repeat(10)}`), []);
    // a text under 256 characters is read as it is: its runs cost little
    assert.equal(findThreats(`I will kill${' '.repeat(20)}you.`).length, 1);
  });
});
