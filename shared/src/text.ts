// C0/C1 controls except tab and newline; also bidi overrides and isolates, which can disguise text.
const CONTROL_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
// Lone surrogates cannot be stored as UTF-8; drop them rather than fail.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

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

/** Whether anything remains once white space and invisible formatting characters are ignored. */
export const hasVisibleText = (s: string): boolean => s.replace(/[\s\p{Cf}]/gu, '').length > 0;
