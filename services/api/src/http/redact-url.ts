// Query parameters whose value is a credential, whatever a client put there.
const SECRET_PARAM = /token|key|secret|password|passwd|code|signature|sig$|auth/i;

/**
 * The request URL as logged: every query value whose name looks like a credential is replaced,
 * so a token sent (wrongly, or in a one-time link) in the query string never reaches the logs.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed escape: judge the raw name.
      }
      return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
