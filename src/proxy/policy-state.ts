import { BlockList } from 'node:net';
import type { ClientGroup } from '../config/client-group.js';
import { locateGroupError } from '../config/locate-group-error.js';
import { compileGroupMatchers, type GroupMatcher } from '../config/match-client-group.js';
import type { CompiledPolicy } from '../policy/compiled-policy.js';

/** A client group with its compiled policy. */
export interface ActiveGroup extends ClientGroup {
  readonly policy: CompiledPolicy;
  /** The CIDRs the policy's rules name: the only non-public addresses its clients may reach. */
  readonly allowedCidrs: BlockList;
}

/** The policy in force. The app holds exactly one reference to it; a reload swaps the whole object. */
export interface PolicyState {
  readonly groups: readonly GroupMatcher<ActiveGroup>[];
}

export type LoadPolicy = (opts: {
  dir: string | readonly string[];
  profiles: readonly string[];
  parameters: Readonly<Record<string, string>>;
}) => Promise<CompiledPolicy>;

/** Loads one policy per distinct (profiles, parameters) pair; throws the loader's PolicyError. */
export async function loadPolicyState(
  groups: readonly ClientGroup[],
  dir: string | readonly string[],
  load: LoadPolicy,
): Promise<PolicyState> {
  const cache = new Map<string, Promise<CompiledPolicy>>();
  const active = await Promise.all(
    groups.map(async (group) => {
      const key = JSON.stringify([group.profiles, Object.entries(group.parameters).sort()]);
      let policy = cache.get(key);
      if (policy === undefined) {
        policy = load({ dir, profiles: group.profiles, parameters: group.parameters });
        cache.set(key, policy);
      }
      let compiled: CompiledPolicy;
      try {
        compiled = await policy;
      } catch (err) {
        throw locateGroupError(err, group);
      }
      return { ...group, policy: compiled, allowedCidrs: toBlockList(compiled) };
    }),
  );
  return Object.freeze({ groups: compileGroupMatchers(active) });
}

function toBlockList(policy: CompiledPolicy): BlockList {
  const list = new BlockList();
  for (const { address, prefix, family } of policy.namedCidrs) list.addSubnet(address, prefix, family);
  return list;
}
