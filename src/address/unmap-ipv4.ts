import { isIPv4, isIPv6 } from 'node:net';

const MAPPED_PREFIX = '::ffff:';

/**
 * The IPv4 address an IPv4-mapped IPv6 address (::ffff:0:0/96) stands for, in dotted form, or null
 * for any other text. Every spelling counts: `::ffff:1.2.3.4` (how a dual-stack socket reports an
 * IPv4 peer), upper case, the hex tail `::ffff:102:304` and the uncompressed `0:0:0:0:0:ffff:…`.
 */
export function mappedIPv4(address: string): string | null {
  const lower = address.toLowerCase();
  // The form sockets report, without building a URL per connection.
  if (lower.startsWith(MAPPED_PREFIX) && isIPv4(lower.slice(MAPPED_PREFIX.length))) {
    return lower.slice(MAPPED_PREFIX.length);
  }
  // A zone id (fe80::1%eth0, how Node reports a link-local peer) names a link, which no IPv4-mapped
  // address has; URL would throw on it, and this runs for every client.
  if (!lower.includes('ffff') || lower.includes('%') || !isIPv6(lower)) return null;
  // WHATWG URL serialisation is canonical (compressed, hex): one spelling to match.
  const canonical = new URL(`http://[${lower}]/`).hostname.slice(1, -1);
  const tail = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (tail === null) return null;
  const hi = parseInt(tail[1] ?? '0', 16);
  const lo = parseInt(tail[2] ?? '0', 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * An IPv4-mapped IPv6 address as the IPv4 address it reaches, anything else unchanged: a dual-stack
 * listener's IPv4 clients are IPv4 clients to every range, group and own-address check.
 */
export function unmapIPv4(address: string): string {
  return mappedIPv4(address) ?? address;
}
