type Attrs = Record<string, string | boolean | number | undefined>;
type Child = Node | string | null | undefined | false;

/**
 * Creates an element. Text is always set as text nodes, never parsed as HTML, so whatever a
 * reader wrote stays inert.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
};

/** A link only for http(s) URLs; anything else (javascript:, data:) becomes plain text. */
export function safeLink(url: string, text: string): HTMLElement {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:')
      return h('a', { href: u.href, target: '_blank', rel: 'noopener noreferrer' }, text);
  } catch {
    /* not a URL */
  }
  return h('span', {}, text);
}

export const day = (iso: string): string => iso.slice(0, 10);
export const when = (iso: string): string =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
