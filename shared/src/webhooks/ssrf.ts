import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { promisify } from 'node:util';

/**
 * Addresses a webhook must never reach unless the operator allows private targets: loopback,
 * RFC 1918 and other private or shared ranges, link-local (cloud metadata at 169.254.169.254),
 * unspecified, multicast and reserved, in IPv4 and IPv6 (IPv4-mapped IPv6 is checked as IPv4).
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
  ['100::', 64],
  ['2002::', 16],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
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
 * Resolves the URL's host and refuses it when any address is internal (unless allowPrivate).
 * Run when an endpoint is registered; delivery re-checks through `guardedLookup`, so a name
 * that later resolves inward (DNS rebinding) is refused at connect time.
 */
export async function assertPublicUrl(url: string, opts: { allowPrivate: boolean }): Promise<void> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UnsafeUrlError('only http and https URLs are allowed');
  if (u.username || u.password) throw new UnsafeUrlError('URLs with credentials are not allowed');
  if (opts.allowPrivate) return;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookupAll(host, { all: true });
  } catch {
    throw new UnsafeUrlError(`the host ${host} does not resolve`);
  }
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad) throw new UnsafeUrlError(`the host ${host} resolves to an internal address (${bad.address})`);
}

/**
 * A `lookup` for http.request that refuses internal addresses at connect time: the address
 * checked is the address connected to.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const bad = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (bad)
        return callback(
          Object.assign(new UnsafeUrlError(`refused internal address ${bad.address}`), { code: 'EUNSAFEADDR' }),
          [],
        );
      if (options.all) return callback(null, list);
      const first = list[0];
      return first
        ? callback(null, first.address, first.family)
        : callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
    });
  };
}
