import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
  readonly text: string;
}

/**
 * The one CIDR syntax: an IPv4 or IPv6 literal, optionally `/` and a decimal prefix length (up to
 * three digits) within the family's bounds; no prefix means a single address. Host bits beyond the
 * prefix are kept as written (`10.0.0.1/8` is 10.0.0.0/8 to a BlockList). Nothing is trimmed and
 * `/0` is a CIDR here; parseCidr adds the rules of an allowlist. null = not a CIDR.
 *
 * It sits in address/, below every layer that reads CIDRs (profiles, service tags, protected
 * ranges, client groups), so they all share it (docs/design.md, Layers).
 */
export function readCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
  if (family === null) return null;
  const max = family === 'ipv4' ? 32 : 128;
  const prefixText = slash === -1 ? null : text.slice(slash + 1);
  if (prefixText !== null && !/^[0-9]{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === null ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family, text: `${address}/${prefix}` };
}

/** readCidr, or an exception for a CIDR written in code (the protected and special-purpose ranges). */
export function requireCidr(text: string): Cidr {
  const cidr = readCidr(text);
  if (cidr === null) throw new Error(`not a CIDR: ${text}`);
  return cidr;
}
