import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasVisibleText, normalizeBody, normalizeName, textLength } from '#shared/text.js';

describe('normalizeBody', () => {
  it('when text is decomposed, then it is composed (NFC)', () => {
    assert.equal(normalizeBody('Cafe\u0301'), 'Caf\u00e9');
  });
  it('when text has control characters and bidi overrides, then they are stripped; tabs and newlines stay', () => {
    assert.equal(normalizeBody('a\u0000b\u0007c\u202Ed\te\nf'), 'abcd\te\nf');
  });
  it('when text has CRLF and many blank lines, then it is LF with at most one blank line', () => {
    assert.equal(normalizeBody('a\r\nb\r\n\r\n\r\n\r\nc'), 'a\nb\n\nc');
  });
  it('when text has lone surrogates, then they are dropped and pairs kept', () => {
    assert.equal(normalizeBody('x\uD800y\uDC00z😀'), 'xyz😀');
  });
  it('when measuring, then astral characters count once', () => {
    assert.equal(textLength('😀😀'), 2);
  });
  it('when only invisible characters remain, then there is no visible text', () => {
    assert.equal(hasVisibleText('\u200b\u200e \n'), false);
    assert.equal(hasVisibleText('\u200bx'), true);
    for (const blank of ['\u3164', '\u115F\u1160', '\uFFA0', '\u2800', '\u034F', '\u17B5'])
      assert.equal(hasVisibleText(blank), false, blank);
  });
  it('when a name has line breaks and runs of spaces, then it is one line', () => {
    assert.equal(normalizeName('  Ada \n\n Lovelace  '), 'Ada Lovelace');
  });
});
