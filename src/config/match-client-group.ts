import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { ClientGroup } from './client-group.js';
import { unmapIPv4 } from '../net/unmap-ipv4.js';
import { ConfigError } from './config-error.js';

export interface GroupMatcher<G extends ClientGroup> {
  readonly group: G;
  readonly sources: BlockList;
}

function splitCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
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
  return splitCidr(cidr) === null
    ? `invalid CIDR "${cidr}" (write an address with an optional prefix length, e.g. 10.0.0.0/8 or fd00::/8)`
    : null;
}

function addCidr(list: BlockList, cidr: string, group: string): void {
  const parsed = splitCidr(cidr);
  if (parsed === null) throw new ConfigError(`client group ${group}: ${checkCidr(cidr) ?? ''}`);
  list.addSubnet(parsed.address, parsed.prefix, parsed.family);
}

/** Builds the source-address test for each group once, at start-up or reload. */
export function compileGroupMatchers<G extends ClientGroup>(groups: readonly G[]): GroupMatcher<G>[] {
  return groups.map((group) => {
    const sources = new BlockList();
    for (const cidr of group.cidrs) addCidr(sources, cidr, group.name);
    return { group, sources };
  });
}

function plainAddress(ip: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const address = unmapIPv4(ip);
  return { address, family: isIPv6(address) ? 'ipv6' : 'ipv4' };
}

/**
 * The first group whose CIDRs hold the client address and, when the group names users, whose user
 * list holds the authenticated proxy user. null = the client is in no group and must be refused.
 */
export function matchClientGroup<G extends ClientGroup>(
  matchers: readonly GroupMatcher<G>[],
  clientIp: string,
  user: string | undefined,
): G | null {
  const { address, family } = plainAddress(clientIp);
  for (const { group, sources } of matchers) {
    if (!sources.check(address, family)) continue;
    if (group.users !== null && (user === undefined || !group.users.includes(user))) continue;
    return group;
  }
  return null;
}
