/**
 * A strict reader of the HTML renderBody may produce. Returns every problem found (empty when
 * the markup is safe): only the tags and attributes comment Markdown needs, no event handlers,
 * links only to http(s) or mailto, and no raw `<` outside those tags.
 */
const ALLOWED: Record<string, Set<string>> = {
  p: new Set(),
  br: new Set(),
  em: new Set(),
  strong: new Set(),
  code: new Set(),
  a: new Set(['href', 'rel', 'target', 'title']),
};
const TAG_RE = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const ATTR_RE = /([^\s=/"'>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

const decodeEntities = (s: string): string =>
  s
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export interface HtmlTag {
  name: string;
  closing: boolean;
  attrs: Record<string, string>;
}

export function tagsOf(html: string): HtmlTag[] {
  const tags: HtmlTag[] = [];
  for (const m of html.matchAll(TAG_RE)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? '').matchAll(ATTR_RE))
      attrs[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
    tags.push({ name: m[2]!.toLowerCase(), closing: m[1] === '/', attrs });
  }
  return tags;
}

export function auditHtml(html: string): string[] {
  const problems: string[] = [];
  for (const bad of ['<script', '<img', '<svg', '<iframe', '<object', '<embed', '<style', '<form', '<input', '<math']) {
    if (html.toLowerCase().includes(bad)) problems.push(`contains ${bad}`);
  }
  for (const tag of tagsOf(html)) {
    const allowed = ALLOWED[tag.name];
    if (!allowed) {
      problems.push(`tag <${tag.name}> is not allowed`);
      continue;
    }
    for (const [name, value] of Object.entries(tag.attrs)) {
      if (name.startsWith('on')) problems.push(`event handler ${name} on <${tag.name}>`);
      else if (!allowed.has(name)) problems.push(`attribute ${name} on <${tag.name}> is not allowed`);
      if (name === 'href') {
        // Browsers ignore whitespace and control characters inside a scheme.
        const squashed = value.replace(/[\u0000-\u0020\u007F]/g, '').toLowerCase();
        if (!/^(https?:|mailto:)/.test(squashed))
          problems.push(`href ${JSON.stringify(value)} is not http(s) or mailto`);
        // The scheme as a browser parses it (an http URL may mention "javascript:" in its path harmlessly).
        let scheme = 'unparsable';
        try {
          scheme = new URL(value).protocol;
        } catch {
          /* stays unparsable */
        }
        if (!['http:', 'https:', 'mailto:'].includes(scheme))
          problems.push(`href ${JSON.stringify(value)} has the scheme ${scheme}`);
      }
    }
    if (tag.name === 'a' && !tag.closing && tag.attrs.rel !== 'nofollow ugc noopener') {
      problems.push(`link without rel="nofollow ugc noopener": ${JSON.stringify(tag.attrs)}`);
    }
  }
  // With the allowed tags taken out, no `<` may remain: all other markup must be escaped text.
  const text = html.replace(TAG_RE, (whole, _c, name: string) => (ALLOWED[name.toLowerCase()] ? '' : whole));
  if (text.includes('<')) problems.push(`unescaped "<" in text: ${JSON.stringify(text)}`);
  return problems;
}
