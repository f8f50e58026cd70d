import { isIPv4, isIPv6 } from 'node:net';

export interface ClientCidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/**
 * A client group's CIDR (`cidrs`, `allowClients`): unlike a rule's CIDR, /0 is allowed, since a
 * group may take every client. null = not a CIDR.
 */
export function parseClientCidr(cidr: string): ClientCidr | null {
  const [address = '', prefixText] = cidr.split('/', 2);
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (
    family === null ||
    !/^\d*$/.test(prefixText ?? '') ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > max
  ) {
    return null;
  }
  return { address, prefix, family };
}

/** Why a client CIDR cannot be used, or null when it can. */
export function checkCidr(cidr: string): string | null {
  return parseClientCidr(cidr) === null
    ? `invalid CIDR "${cidr}" (write an address with an optional prefix length, e.g. 10.0.0.0/8 or fd00::/8)`
    : null;
}
