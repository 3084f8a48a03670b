// C0/C1 controls except tab and newline; also bidi overrides and isolates, which can disguise text.
const CONTROL_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
// Lone surrogates cannot be stored as UTF-8; drop them rather than fail.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LONE_SURROGATE_TEST_RE = new RegExp(LONE_SURROGATE_RE.source);

/**
 * Canonical form of a comment body: Unicode NFC, CRLF → LF, control characters stripped,
 * at most two consecutive blank lines, trimmed. Length limits apply to this form.
 */
export function normalizeBody(input: string): string {
  return input
    .replace(LONE_SURROGATE_RE, '')
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_RE, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Length in user-perceived characters (code points), which is what a reader counts. */
export const textLength = (s: string): number => [...s].length;

/** One line of text (a title, a name): normalised like a body, every run of white space one space. */
export function normalizeLine(input: string): string {
  return normalizeBody(input).replace(/\s+/g, ' ');
}

/** A display name: one line, at most 80 characters. */
export function normalizeName(input: string): string {
  return [...normalizeLine(input)].slice(0, 80).join('').trim();
}

/** Whether a string holds a control character (C0, DEL, C1), which no identifier may. */
export const hasControlChars = (s: string): boolean => /[\u0000-\u001F\u007F-\u009F]/.test(s);

// Characters that render as nothing: formatting characters, and blanks that Unicode counts as
// letters or marks (Hangul fillers, braille blank, combining grapheme joiner, Khmer inherent vowels).
const INVISIBLE_RE = /[\s\p{Cf}\u034F\u115F\u1160\u17B4\u17B5\u2800\u3164\uFFA0]/gu;

/** Whether anything remains once white space and invisible characters are ignored. */
export const hasVisibleText = (s: string): boolean => s.replace(INVISIBLE_RE, '').length > 0;

/** Whether a string holds half of a surrogate pair, which cannot be stored as UTF-8. */
export const hasLoneSurrogate = (s: string): boolean => LONE_SURROGATE_TEST_RE.test(s);
