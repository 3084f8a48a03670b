import { normalizeBody } from '#shared/text.js';

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

/**
 * Disqus stores comments as HTML; ours are plain text with light Markdown. Paragraphs and line
 * breaks become newlines, links become Markdown links (the renderer keeps only http/https),
 * every other tag is dropped and entities decoded. The result is normalised like a new comment.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p(?:\s[^>]*)?>/gi, '\n\n')
    .replace(/<a\s[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a>/gi, (_m, _q, href: string, inner: string) => {
      const url = decodeEntities(href).trim();
      const label = decodeEntities(inner.replace(/<[^>]*>/g, '')).trim();
      if (!/^https?:\/\//i.test(url)) return label;
      return !label || label === url
        ? url
        : `[${label.replace(/[[\]]/g, '')}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
    })
    .replace(/<[^>]*>/g, '');
  return normalizeBody(decodeEntities(text));
}
