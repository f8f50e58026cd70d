import { readCidr } from '../address/read-cidr.js';

/**
 * Why a client group's CIDR (`cidrs`, `allowClients`) cannot be used, or null when it can. Unlike a
 * rule's CIDR, /0 is allowed: a group may take every client.
 */
export function checkCidr(cidr: string): string | null {
  return readCidr(cidr) === null
    ? `invalid CIDR "${cidr}" (write an address with an optional prefix length, e.g. 10.0.0.0/8 or fd00::/8)`
    : null;
}
