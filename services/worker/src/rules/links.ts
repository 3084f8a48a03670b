import { LinkifyIt } from 'linkify-it';
import MarkdownIt from 'markdown-it';

/** What counts as a link: with or without a scheme, bare IPv4 hosts too; e-mail addresses are not links here. */
export const LINKIFY_OPTIONS = { fuzzyLink: true, fuzzyEmail: false, fuzzyIP: true } as const;
const linkify = new LinkifyIt(LINKIFY_OPTIONS);

export interface FoundLink {
  start: number;
  end: number;
  text: string;
  host: string;
}

/**
 * Whether a text may hold a link at all: every link linkify-it finds has a scheme (`https:`, `mailto:`),
 * starts with `//` (`//localhost`), or has a host whose dot is followed by the next label or the
 * top-level domain (`example.com`, `1.2.3.4`). Most comments have none of these, and this one pass
 * spares them the full matcher, whose host expression is a large share of the rules' time.
 */
export const MAY_HOLD_LINK = /:|\/\/|\.[^\s.]/;

/** A URL's host as a browser would reach it, lower case, without "www." or a final dot; null when none. */
function hostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname
      .toLowerCase()
      .replace(/^www\./, '')
      .replace(/\.$/, '');
    return host === '' ? null : host;
  } catch {
    return null;
  }
}

// The published page's renderer (markdown-it, services/api/src/comments/render.ts) decodes a link's destination
// before it writes the href: backslash escapes and entities (`spam\.biz`, `spam&#46;biz`), then percent-encoding,
// which the browser decodes again in the host (`spam%2Ebiz`). Destinations are read as it reads them.
const markdown = new MarkdownIt();
/** A code span: backticks, then anything up to the same number of backticks. */
const CODE_SPAN = /(`+)[^`][\s\S]*?\1/g;
/** `](destination` of an inline Markdown link: `<…>` or up to white space or `)`. */
const MARKDOWN_LINK = /\]\(\s*(<[^<>\n]*>|[^\s)]+)/g;

/**
 * Links in a comment (with or without a scheme), with their host names, lower case, without "www.": the links
 * linkify-it finds in the text as written, those it finds once escapes and entities are decoded (the text readers
 * see), and the destinations of Markdown links as the page's renderer writes their href. A host found only in the
 * decoded text or a destination spans what was written for it.
 */
export function findLinks(text: string): FoundLink[] {
  const out: FoundLink[] = [];
  const escaped = /[\\&]/.test(text);
  if (!MAY_HOLD_LINK.test(text) && !escaped) return out;
  for (const m of linkify.match(text) ?? []) {
    if (m.schema === 'mailto:') continue;
    const host = hostOf(m.url);
    if (host) out.push({ start: m.index, end: m.lastIndex, text: text.slice(m.index, m.lastIndex), host });
  }
  if (!escaped && !text.includes('](')) return out;
  // Code spans show their text as written (no link, nothing decoded): blanked, so offsets stay.
  const outsideCode = text.replace(CODE_SPAN, (span) => ' '.repeat(span.length));
  const seen = new Set(out.map((l) => l.host));
  const add = (host: string | null, start: number, end: number) => {
    if (!host || seen.has(host)) return;
    seen.add(host);
    out.push({ start, end, text: text.slice(start, end), host });
  };
  for (const m of outsideCode.matchAll(MARKDOWN_LINK)) {
    const written = m[1]!.replace(/^<|>$/g, '');
    const href = markdown.normalizeLink(markdown.utils.unescapeAll(written));
    if (!/^https?:/i.test(href)) continue;
    const start = m.index! + m[0].length - m[1]!.length;
    add(hostOf(href), start, start + m[1]!.length);
  }
  const decoded = markdown.utils.unescapeAll(outsideCode);
  if (decoded !== outsideCode)
    for (const m of linkify.match(decoded) ?? []) {
      if (m.schema === 'mailto:') continue;
      // Where it was written: from the first letters of the decoded link (before its first escape) onwards.
      const head = decoded.slice(m.index, m.lastIndex).split(/[.\\&]/)[0]!;
      const start = Math.max(0, text.indexOf(head));
      add(hostOf(m.url), start, Math.min(text.length, start + (m.lastIndex - m.index)));
    }
  return out;
}

/** Whether a host is one of the domains, or a subdomain of one (a domain listed with "www." counts without it). */
export function inDomains(host: string, domains: readonly string[]): boolean {
  return domains.some((listed) => {
    const d = listed.replace(/^www\./, '');
    return host === d || host.endsWith(`.${d}`);
  });
}
