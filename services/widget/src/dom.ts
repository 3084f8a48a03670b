type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * Creates an element. Text children become text nodes, never markup; `on*` keys attach
 * listeners; `false`/`null` attributes are left out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const ALLOWED = new Set(['P', 'BR', 'EM', 'STRONG', 'CODE', 'A']);
const SAFE_HREF = /^(https?:|mailto:)/i;

/**
 * The server's rendered body, checked again here: only the tags comment Markdown produces,
 * no attributes but a link's http(s)/mailto href, every link opening a new tab as user
 * content. Anything else becomes its text. Parsed in an inert template (nothing loads or runs).
 */
export function sanitizedBody(html: string): DocumentFragment {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const clean = (parent: Node): void => {
    for (const node of [...parent.childNodes]) {
      if (node.nodeType === Node.TEXT_NODE) continue;
      if (node.nodeType !== Node.ELEMENT_NODE) {
        node.remove();
        continue;
      }
      const el = node as Element;
      if (!ALLOWED.has(el.tagName)) {
        el.replaceWith(document.createTextNode(el.textContent ?? ''));
        continue;
      }
      const href = el.getAttribute('href');
      for (const a of [...el.attributes]) el.removeAttribute(a.name);
      if (el.tagName === 'A') {
        if (href && SAFE_HREF.test(href.trim())) {
          el.setAttribute('href', href.trim());
          el.setAttribute('rel', 'nofollow ugc noopener');
          el.setAttribute('target', '_blank');
        }
      }
      clean(el);
    }
  };
  clean(tpl.content);
  return document.importNode(tpl.content, true);
}

/** A body the reader just typed, before the server rendered it: plain text, line breaks kept. */
export function plainBody(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const para of text.split(/\n{2,}/)) {
    const p = h('p');
    para.split('\n').forEach((line, i) => {
      if (i > 0) p.append(h('br'));
      p.append(line);
    });
    frag.append(p);
  }
  return frag;
}
