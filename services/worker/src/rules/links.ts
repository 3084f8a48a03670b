import { LinkifyIt } from 'linkify-it';

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false, fuzzyIP: true });

export interface FoundLink {
  start: number;
  end: number;
  text: string;
  host: string;
}

/** Links in a comment (with or without a scheme), with their host names, lower case, without "www.". */
export function findLinks(text: string): FoundLink[] {
  const out: FoundLink[] = [];
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
