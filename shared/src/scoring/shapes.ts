import { ownMatches } from './quotation.js';

/**
 * The phrase readers' patterns (`threat-phrases.ts`, `group-phrases.ts`) are lists of shapes. Joined into one
 * alternation they would pass the size beyond which V8 compiles a regular expression without its optimisations
 * (20 KiB of source), and every comment would be scanned up to a hundred times more slowly. So the shapes are
 * joined into as few expressions as stay well under it, and their matches merged.
 */
const MAX_SOURCE = 12_000;

/** A phrase a reader found: UTF-16 offsets into the text. */
export interface PhraseSpan {
  start: number;
  end: number;
}

/** Global, case-insensitive expressions for a list of shapes, each `wrap`ped alternation under the size limit. */
export function compileShapes(
  shapes: readonly string[],
  wrap: (alternation: string) => string = (a) => a,
  maxSource = MAX_SOURCE,
): RegExp[] {
  return inGroups(
    shapes.map((shape) => `(?:${shape})`),
    maxSource,
  ).map((alternation) => new RegExp(wrap(alternation), 'gi'));
}

/**
 * Alternatives joined into groups of at most `maxSource` characters (`a|b|c`): a shape with many long alternatives
 * written once, such as a threat's head followed by any of fifty acts, becomes several shapes of a size V8 optimises.
 */
export function inGroups(alternatives: readonly string[], maxSource = MAX_SOURCE / 2): string[] {
  const groups: string[] = [];
  let group: string[] = [];
  let size = 0;
  for (const alternative of alternatives) {
    if (group.length > 0 && size + alternative.length + 1 > maxSource) {
      groups.push(group.join('|'));
      group = [];
      size = 0;
    }
    group.push(alternative);
    size += alternative.length + 1;
  }
  if (group.length > 0) groups.push(group.join('|'));
  return groups;
}

/**
 * The matches of every expression that are the comment's own words (`ownMatches`): leftmost first, the
 * longest where two start together, without overlaps (where one alternation would have taken its first
 * shape that matched).
 */
export function ownShapeMatches(expressions: readonly RegExp[], text: string): RegExpExecArray[] {
  const all: RegExpExecArray[] = [];
  for (const re of expressions) for (const m of ownMatches(re, text)) all.push(m);
  if (expressions.length > 1) all.sort((a, b) => a.index - b.index || b[0].length - a[0].length);
  const out: RegExpExecArray[] = [];
  let end = -1;
  for (const m of all) {
    if (m.index < end) continue;
    out.push(m);
    end = m.index + m[0].length;
  }
  return out;
}

const LONG_SPACE = /\s{8,}/;
const LONG_SPACES = /\s{8,}/g;
/**
 * The text with every run of eight or more whitespace characters filled, between its first and last character, with
 * "·" (U+00B7), which is neither a space, nor a word, nor punctuation a shape reads: offsets are kept, no phrase spans
 * such a gap, and a shape that tries `\s*` then `\s+` (a lookahead after an object) would cost the run's length at
 * each try, which hostile text repeats. (U+0000 would do as well, but V8 scans a run of it 1,000 times slower.) A text
 * under 256 characters is returned as it is: what its runs can cost is bounded, and the test would cost more.
 */
export function withShortSpaces(text: string): string {
  if (text.length < 256 || !LONG_SPACE.test(text)) return text;
  return text.replace(LONG_SPACES, (run) => `${run[0]}${'·'.repeat(run.length - 2)}${run[run.length - 1]}`);
}
