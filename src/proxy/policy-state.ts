import { BlockList } from 'node:net';
import type { ClientGroup } from '../config/client-group.js';
import { locateGroupError } from '../config/locate-group-error.js';
import { compileGroupMatchers, type GroupMatcher } from './match-client-group.js';
import type { CompiledPolicy } from '../policy/compiled-policy.js';
import { parseCidr } from '../policy/parse-cidr.js';
import type { ServiceTagsFile } from '../servicetags/parse-service-tags.js';
import { readServiceTagsFile } from '../servicetags/read-service-tags-file.js';

/** A client group with its compiled policy. */
export interface ActiveGroup extends ClientGroup {
  readonly policy: CompiledPolicy;
  /**
   * The CIDRs the policy's rules and the group's privateDestinations name: the non-public addresses
   * its clients may reach (customer-owned rules aside).
   */
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
  serviceTags?: ServiceTagsFile | null;
  excludeRules?: readonly string[];
}) => Promise<CompiledPolicy>;

/**
 * Loads one policy per distinct (profiles, parameters, excludeRules) triple; throws the loader's
 * PolicyError. The Service Tags file is read once per load, so a reload picks up a refreshed file.
 */
export async function loadPolicyState(
  groups: readonly ClientGroup[],
  dir: string | readonly string[],
  load: LoadPolicy,
  serviceTagsPath: string | null = null,
): Promise<PolicyState> {
  const serviceTags = serviceTagsPath === null ? null : await readServiceTagsFile(serviceTagsPath);
  const cache = new Map<string, Promise<CompiledPolicy>>();
  const active = await Promise.all(
    groups.map(async (group) => {
      const excludeRules = group.excludeRules;
      const key = JSON.stringify([group.profiles, Object.entries(group.parameters).sort(), excludeRules]);
      let policy = cache.get(key);
      if (policy === undefined) {
        policy = load({
          dir,
          profiles: group.profiles,
          parameters: group.parameters,
          serviceTags,
          excludeRules,
        });
        cache.set(key, policy);
      }
      let compiled: CompiledPolicy;
      try {
        compiled = await policy;
      } catch (err) {
        throw locateGroupError(err, group);
      }
      return {
        ...group,
        policy: compiled,
        allowedCidrs: toBlockList(compiled, group.privateDestinations ?? []),
      };
    }),
  );
  return Object.freeze({ groups: compileGroupMatchers(active) });
}

function toBlockList(policy: CompiledPolicy, privateDestinations: readonly string[]): BlockList {
  const list = new BlockList();
  for (const { address, prefix, family } of policy.namedCidrs) list.addSubnet(address, prefix, family);
  // Validated when the config was read (resolveSettings).
  for (const text of privateDestinations) {
    const parsed = parseCidr(text);
    if (parsed.ok) list.addSubnet(parsed.cidr.address, parsed.cidr.prefix, parsed.cidr.family);
  }
  return list;
}
