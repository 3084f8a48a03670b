import { readFileSync } from 'node:fs';
import type { eld as Eld } from 'eld/medium';

/**
 * The language identifier the language check asks (`eld`, its medium n-gram table of 60 languages), holding its
 * table in a few typed arrays instead of the object `eld/medium` builds.
 *
 * That object gives each of the table's 105,548 n-grams an object of its own: importing it costs a process about
 * 196 MB of RSS, for a table whose numbers fit in one megabyte. Here eld's own detector (its `createEld`, so its
 * tokenising, scoring and reliability test are eld's, unchanged) reads the same table through a lookup that builds an
 * n-gram's scores when it is asked for them, which the detector does for the hundred or so n-grams of each of the few
 * comments in a hundred that reach it. The table is read from eld's file as text: evaluating or importing it would build the
 * object this avoids, and a process does not give that memory back. tests/unit/scoring.language.test.ts checks the
 * table read here against eld's, n-gram by n-gram, and the answers against `eld/medium`'s.
 *
 * This reads two files inside the package (`src/languageDetector.js`, `src/ngrams/medium.js`) that its exports
 * do not name, so package.json pins eld's version: an upgrade is checked by that test before it is taken.
 */

type Detector = typeof Eld;
/** What the language check asks of the identifier. */
export type Identifier = Pick<Detector, 'detect'>;
interface Table {
  type: string;
  languages: Record<number, string>;
  /** n-gram → its position in `starts` */
  index: Map<string, number>;
  /** where each n-gram's entries begin in `langs` and `scores`, and where the last one ends */
  starts: Uint32Array;
  /** each entry's language, by its number in `languages` */
  langs: Uint8Array;
  /** each entry's score, as the table writes it */
  scores: Uint16Array;
}

const ENTRY = import.meta.resolve('eld/medium');
const { createEld } = (await import(new URL('../languageDetector.js', ENTRY).href)) as {
  createEld(): {
    instance: Detector;
    loadData(data: { type: string; languages: Record<number, string>; ngrams: object }): string;
  };
};

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
const WHOLE = /^(?:0|[1-9]\d*)$/;

/** Reads eld's n-gram table file (`export const ngramsData = {type:…,languages:{…},isSubset:…,ngrams:{…}};`). */
export function readTable(source: string): Table {
  const type = /\btype:'([^'\\]+)'/.exec(source)?.[1];
  const languagesText = /\blanguages:\{([^}]*)\}/.exec(source)?.[1];
  const start = source.indexOf('ngrams:{', source.indexOf('ngramsData'));
  if (!type || languagesText === undefined || start < 0) throw new Error('eld: unexpected n-gram table file');
  const languages: Record<number, string> = {};
  for (const [, n, code] of languagesText.matchAll(/(\d+):'([a-z-]+)'/g)) languages[Number(n)] = code!;

  const index = new Map<string, number>();
  const starts: number[] = [];
  const langs: number[] = [];
  const scores: number[] = [];
  let i = start + 'ngrams:{'.length;
  const fail = (what: string): never => {
    throw new Error(`eld: unexpected n-gram table file (${what} at ${i})`);
  };
  const number = (): number => {
    const from = i;
    while (source.charCodeAt(i) >= 48 && source.charCodeAt(i) <= 57) i++;
    if (i === from) fail('a number expected');
    return Number(source.slice(from, i));
  };
  while (source[i] !== '}') {
    let key = '';
    if (source[i] === "'") {
      // A quoted key: eld's files escape only quotes and backslashes.
      for (i++; source[i] !== "'"; i++) {
        if (i >= source.length || source[i] === '\n' || source[i] === '\r') fail('an unterminated key');
        if (source[i] === '\\') {
          i++;
          if (source[i] !== "'" && source[i] !== '\\') fail('an unknown escape');
        }
        key += source[i];
      }
      i++;
    } else {
      // A bare key, as a minifier leaves an identifier or a whole number in its shortest form.
      const end = source.indexOf(':', i);
      key = source.slice(i, end);
      if (end < 0 || !(IDENTIFIER.test(key) || (WHOLE.test(key) && String(Number(key)) === key))) fail('a key');
      i = end;
    }
    if (source[i] !== ':' || source[i + 1] !== '{') fail("':{' expected");
    i += 2;
    if (index.has(key)) fail('a repeated key');
    index.set(key, starts.length);
    starts.push(langs.length);
    for (;;) {
      const lang = number();
      if (source[i++] !== ':') fail("':' expected");
      const score = number();
      if (!(lang in languages) || lang > 0xff || score > 0xffff) fail('a score out of range');
      langs.push(lang);
      scores.push(score);
      const c = source[i++];
      if (c === '}') break;
      if (c !== ',') fail("',' or '}' expected");
    }
    if (source[i] === ',') i++;
    else if (source[i] !== '}') fail("',' or '}' expected");
  }
  starts.push(langs.length);
  return {
    type,
    languages,
    index,
    starts: Uint32Array.from(starts),
    langs: Uint8Array.from(langs),
    scores: Uint16Array.from(scores),
  };
}

/** An n-gram's scores as eld's table writes them, an object of language number → score; undefined for one it lacks. */
export function scoresOf(table: Table, ngram: string): Record<number, number> | undefined {
  const n = table.index.get(ngram);
  if (n === undefined) return undefined;
  const found: Record<number, number> = {};
  for (let e = table.starts[n]!; e < table.starts[n + 1]!; e++) found[table.langs[e]!] = table.scores[e]!;
  return found;
}

/**
 * eld's detector over `table`. Its `detect` reads the table only as `ngrams[ngram]`, which the lookup answers; what
 * would list the table (`saveSubset`) or make another detector (`newInstance`) is not offered.
 */
export function detectorOver(table: Table): Identifier {
  const ngrams = new Proxy({}, { get: (_, key) => (typeof key === 'string' ? scoresOf(table, key) : undefined) });
  const { instance, loadData } = createEld();
  if (!loadData({ type: table.type, languages: table.languages, ngrams }))
    throw new Error('eld: the table did not load');
  return { detect: (text) => instance.detect(text) };
}

/** The file the table is read from, beside eld's entry point. */
export const TABLE_FILE = new URL('../ngrams/medium.js', ENTRY);

/** The identifier: `identifier.detect(text)` answers as `eld/medium`'s `eld.detect(text)` does. */
export const identifier: Identifier = detectorOver(readTable(readFileSync(TABLE_FILE, 'utf8')));
