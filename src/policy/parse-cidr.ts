import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
  readonly text: string;
}

export type ParsedCidr = { ok: true; cidr: Cidr } | { ok: false; error: string };

export function parseCidr(text: string): ParsedCidr {
  const [address = '', prefixText] = text.trim().split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
  if (!family)
    return { ok: false, error: `'${text}' is not a CIDR; write e.g. '20.37.0.0/16' or '2603:1000::/40'` };
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    return { ok: false, error: `'${text}' has a prefix length outside 0-${max}` };
  }
  if (prefix === 0) {
    return { ok: false, error: `'${text}' covers every address; name the ranges instead` };
  }
  return { ok: true, cidr: { address, prefix, family, text: `${address}/${prefix}` } };
}
