/**
 * Whether `If-None-Match` names the current representation: the header may list several
 * validators, or `*`; GET uses the weak comparison of RFC 9110 (a `W/` prefix on either side is ignored).
 */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}
