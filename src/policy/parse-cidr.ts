import { isIPv4, isIPv6 } from 'node:net';
import { readCidr, type Cidr } from '../address/read-cidr.js';

export type ParsedCidr = { ok: true; cidr: Cidr } | { ok: false; error: string };

/** A CIDR of an allowlist (profile, service tag, private destinations): as readCidr, trimmed, never /0. */
export function parseCidr(text: string): ParsedCidr {
  const trimmed = text.trim();
  const cidr = readCidr(trimmed);
  if (cidr === null) {
    const address = trimmed.split('/', 1)[0] ?? '';
    if (!isIPv4(address) && !isIPv6(address)) {
      return { ok: false, error: `'${text}' is not a CIDR; write e.g. '20.37.0.0/16' or '2603:1000::/40'` };
    }
    return { ok: false, error: `'${text}' has a prefix length outside 0-${isIPv4(address) ? 32 : 128}` };
  }
  if (cidr.prefix === 0) {
    return { ok: false, error: `'${text}' covers every address; name the ranges instead` };
  }
  return { ok: true, cidr };
}
