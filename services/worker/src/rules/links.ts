import { LinkifyIt } from 'linkify-it';

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

/** Links in a comment (with or without a scheme), with their host names, lower case, without "www.". */
export function findLinks(text: string): FoundLink[] {
  const out: FoundLink[] = [];
  if (!MAY_HOLD_LINK.test(text)) return out;
  for (const m of linkify.match(text) ?? []) {
    if (m.schema === 'mailto:') continue;
    let host: string;
    try {
      host = new URL(m.url).hostname
        .toLowerCase()
        .replace(/^www\./, '')
        .replace(/\.$/, '');
    } catch {
      continue;
    }
    out.push({ start: m.index, end: m.lastIndex, text: text.slice(m.index, m.lastIndex), host });
  }
  return out;
}

/** Whether a host is one of the domains, or a subdomain of one. */
export function inDomains(host: string, domains: readonly string[]): boolean {
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
}
