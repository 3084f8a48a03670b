import MarkdownIt from 'markdown-it';

/**
 * Comment bodies are plain text with a little Markdown (emphasis, links, code).
 * Raw HTML is never passed through: markdown-it escapes it, and refuses
 * javascript:, vbscript:, file: and data: (except images, which we do not enable) links.
 */
const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true, typographer: false }).enable([
  'paragraph',
  'newline',
  'emphasis',
  'link',
  'linkify',
  'backticks',
  'escape',
  'text',
  'entity',
]);

const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));

const allowedScheme = (url: string): boolean => /^(https?:|mailto:)/i.test(url.trim());

// markdown-it keeps a link with an empty destination (`[x]()`) as href="" without asking
// validateLink, so the renderer checks again: such a link renders as its text alone.
const linkAllowed = (token: { attrGet(name: string): string | number | null }): boolean =>
  allowedScheme(String(token.attrGet('href') ?? ''));

md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  if (!linkAllowed(token)) return '';
  token.attrSet('rel', 'nofollow ugc noopener');
  token.attrSet('target', '_blank');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

md.renderer.rules.link_close = (tokens, idx, options, _env, self) => {
  // Its link_open is the last one before it: links do not nest.
  for (let i = idx - 1; i >= 0; i--) {
    if (tokens[i]!.type === 'link_open') return linkAllowed(tokens[i]!) ? self.renderToken(tokens, idx, options) : '';
  }
  return self.renderToken(tokens, idx, options);
};

// Only http(s) and mailto links survive; anything else renders as text.
const baseValidate = md.validateLink.bind(md);
md.validateLink = (url: string) => allowedScheme(url) && baseValidate(url);

export function renderBody(body: string): string {
  return md.render(body).trimEnd();
}
