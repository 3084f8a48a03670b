// Zero-width and invisible formatting characters used to split words past filters.
const INVISIBLE_RE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/g;
const COMBINING_RE = /\p{M}+/gu;

/**
 * Text as a lexicon should see it: compatibility forms folded (fullwidth, ligatures,
 * mathematical letters), diacritics and invisible characters removed, lower case.
 * Leetspeak, confusable letters and repeated letters are resolved by the matcher's transformers.
 */
// Numbers (route 455, 10:55, 1,555) and hex ids would read as leetspeak ("455" → "ass"): blank them.
const NUMBER_RE = /(?<![\p{L}\d])\d[\d.,:/-]*(?![\p{L}\d])/gu;
const HEX_ID_RE = /(?<![\p{L}\d])(?=[0-9a-f-]*\d)[0-9a-f][0-9a-f-]{7,}(?![\p{L}\d])/giu;

export function normalizeForScoring(text: string): string {
  return text.normalize('NFKD').replace(COMBINING_RE, '').replace(INVISIBLE_RE, '')
    .replace(HEX_ID_RE, ' ').replace(NUMBER_RE, ' ').toLowerCase();
}
