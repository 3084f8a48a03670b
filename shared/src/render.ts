import MarkdownIt from 'markdown-it';

/**
 * Comment bodies are plain text with a little Markdown (emphasis, links, code).
 * Raw HTML is never passed through: markdown-it escapes it, and refuses
 * javascript:, vbscript:, file: and data: (except images, which we do not enable) links.
 */
const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true, typographer: false })
  .enable(['paragraph', 'newline', 'emphasis', 'link', 'linkify', 'backticks', 'escape', 'text', 'entity']);

const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));

md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet('rel', 'nofollow ugc noopener');
  token.attrSet('target', '_blank');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

// Only http(s) and mailto links survive; anything else renders as text.
const baseValidate = md.validateLink.bind(md);
md.validateLink = (url: string) => /^(https?:|mailto:)/i.test(url.trim()) && baseValidate(url);

export function renderBody(body: string): string {
  return md.render(body).trimEnd();
}
