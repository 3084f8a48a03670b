import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { promisify } from 'node:util';

/**
 * Addresses a webhook must never reach unless the operator allowlists them (WEBHOOK_ALLOW_HOSTS): loopback,
 * RFC 1918 and other private or shared ranges, link-local, unspecified, multicast and reserved, in IPv4 and
 * IPv6, including every IPv4-mapped address and the NAT64 prefixes (which lead to IPv4 targets).
 */
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 96],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2002::', 16],
  // Teredo: the client's IPv4 address rides in the address, obfuscated; a relay would reach it.
  ['2001::', 32],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** Never reachable, allowlisted or not: link-local, where the cloud metadata services answer (169.254.169.254). */
const alwaysBlocked = new BlockList();
alwaysBlocked.addSubnet('169.254.0.0', 16, 'ipv4');
alwaysBlocked.addSubnet('fe80::', 10, 'ipv6');
alwaysBlocked.addAddress('fd00:ec2::254', 'ipv6');
alwaysBlocked.addSubnet('64:ff9b::a9fe:0', 112, 'ipv6'); // 169.254.0.0/16 through NAT64

/** The one message for every refused target: it names no address and does not say whether the name resolved. */
export const UNSAFE_TARGET = 'the URL must point to a public http(s) address';

/** Internal targets the operator lets webhooks reach (a development receiver): host names, addresses and CIDRs. */
export interface TargetAllowlist {
  hosts: ReadonlySet<string>;
  addresses: BlockList;
}

/** An allowlist from WEBHOOK_ALLOW_HOSTS entries: `host.name`, `10.1.2.3`, `10.1.0.0/16`, `::1`, `fd00::/8`. */
export function createAllowlist(entries: readonly string[]): TargetAllowlist {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  for (const entry of entries) {
    const [net = '', bits] = entry.split('/');
    const family = isIP(net);
    if (family === 0) hosts.add(entry.toLowerCase());
    else if (bits === undefined) addresses.addAddress(net, family === 4 ? 'ipv4' : 'ipv6');
    else addresses.addSubnet(net, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  }
  return { hosts, addresses };
}

/** Whether an allowlist entry is well formed (for the configuration). */
export function isAllowlistEntry(entry: string): boolean {
  const [net = '', bits, extra] = entry.split('/');
  const family = isIP(net);
  if (family === 0)
    return bits === undefined && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry);
  if (bits === undefined) return true;
  const n = Number(bits);
  return extra === undefined && /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

export const NO_ALLOWLIST: TargetAllowlist = createAllowlist([]);

/** Whether a webhook may connect to `address`, reached through the name `host`. */
export function isAllowedTarget(address: string, host: string, allow: TargetAllowlist): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = mapped?.[1];
  const family = isIP(address);
  if (family === 0) return false;
  if (v4 ? alwaysBlocked.check(v4, 'ipv4') : alwaysBlocked.check(address, family === 4 ? 'ipv4' : 'ipv6')) return false;
  if (!isPrivateAddress(address)) return true;
  if (allow.hosts.has(host.toLowerCase())) return true;
  return v4 ? allow.addresses.check(v4, 'ipv4') : allow.addresses.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

// IPv4-mapped IPv6 (::ffff:0:0/96), in any notation, is internal: it is an IPv4 target in disguise. Kept apart
// from `blocked` because a BlockList matches plain IPv4 addresses against mapped IPv6 rules too.
const mapped = new BlockList();
mapped.addSubnet('::ffff:0:0', 96, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6 && mapped.check(address, 'ipv6')) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a webhook URL is refused. */
export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

const lookupAll = promisify(dnsLookup) as unknown as (host: string, opts: { all: true }) => Promise<LookupAddress[]>;

/**
 * Resolves the URL's host and refuses it when any address is internal and not allowlisted.
 * Run when an endpoint is registered; delivery re-checks through `guardedLookup`, so a name
 * that later resolves inward (DNS rebinding) is refused at connect time.
 */
export async function assertPublicUrl(url: string, opts: { allow: TargetAllowlist }): Promise<void> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UnsafeUrlError('only http and https URLs are allowed');
  if (u.username || u.password) throw new UnsafeUrlError('URLs with credentials are not allowed');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookupAll(host, { all: true });
  } catch {
    // Said as for an internal address: a different answer would let a caller map internal names.
    throw new UnsafeUrlError(UNSAFE_TARGET);
  }
  if (addresses.length === 0 || addresses.some((a) => !isAllowedTarget(a.address, host, opts.allow)))
    throw new UnsafeUrlError(UNSAFE_TARGET);
}

/**
 * A `lookup` for http.request that refuses internal addresses at connect time: the address
 * checked is the address connected to.
 */
export function guardedLookup(allow: TargetAllowlist): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (list.some((a) => !isAllowedTarget(a.address, hostname, allow)))
        return callback(Object.assign(new UnsafeUrlError(UNSAFE_TARGET), { code: 'EUNSAFEADDR' }), []);
      if (options.all) return callback(null, list);
      const first = list[0];
      return first
        ? callback(null, first.address, first.family)
        : callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
    });
  };
}
