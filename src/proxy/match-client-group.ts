import { BlockList, isIPv6 } from 'node:net';
import { checkCidr } from '../config/check-cidr.js';
import type { ClientGroup } from '../config/client-group.js';
import { ConfigError } from '../config/config-error.js';
import { unmapIPv4 } from '../address/unmap-ipv4.js';
import { readCidr } from '../address/read-cidr.js';

export interface GroupMatcher<G extends ClientGroup> {
  readonly group: G;
  readonly sources: BlockList;
}

function addCidr(list: BlockList, cidr: string, group: string): void {
  const parsed = readCidr(cidr);
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
