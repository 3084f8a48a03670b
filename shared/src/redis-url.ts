/**
 * Where Redis is: one server (`redis://…`, `rediss://…`, as ioredis reads them) or a Redis
 * Cluster, written `redis+cluster://[user:password@]host:port,host:port,…` (`rediss+cluster://`
 * for TLS). The cluster's nodes are seeds: ioredis learns the rest from CLUSTER SLOTS.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };

const CLUSTER_URL_RE = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/;
const NODE_RE = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/;

export function parseRedisTarget(url: string): RedisTarget {
  const m = CLUSTER_URL_RE.exec(url);
  if (!m) {
    if (/^[a-z+]+\+cluster:/i.test(url))
      throw new Error('expected redis+cluster://[user:password@]host:port,host:port,… (no database number, no query)');
    return { kind: 'single', url };
  }
  const nodes = m[3]!.split(',').map((part) => {
    const n = NODE_RE.exec(part.trim());
    const port = Number(n?.[3] ?? 6379);
    if (!n || port < 1 || port > 65535) throw new Error(`bad cluster node "${part}" (expected host:port)`);
    return { host: n[1] ?? n[2]!, port };
  });
  const [user, pass] = m[2] === undefined ? [] : splitUserInfo(m[2]);
  return {
    kind: 'cluster',
    nodes,
    tls: m[1] === 'rediss',
    ...(user ? { username: user } : {}),
    ...(pass !== undefined ? { password: pass } : {}),
  };
}

function splitUserInfo(info: string): [string | undefined, string | undefined] {
  const colon = info.indexOf(':');
  const dec = (s: string) => decodeURIComponent(s);
  // `:password@` (no user) is the usual form for a Redis password without ACL users.
  return colon < 0
    ? [dec(info) || undefined, undefined]
    : [dec(info.slice(0, colon)) || undefined, dec(info.slice(colon + 1))];
}

/**
 * The hash tag Redis Cluster hashes a key by: the text between the first `{` and the first `}`
 * after it, when not empty. A key prefix with one puts every key under it in one slot, which
 * BullMQ's scripts and our own multi-key scripts need.
 */
export function hashTagOf(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}
