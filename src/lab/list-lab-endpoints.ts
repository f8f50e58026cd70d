import type { CompiledPolicy } from '../policy/compiled-policy.js';
import { sampleHostNames } from './sample-host-names.js';

/** One name the lab serves, with the ports and rules that allow it. */
export interface LabEndpoint {
  readonly host: string;
  /** Ports as the rules write them ('443', '44300-44304'). */
  readonly ports: readonly string[];
  /** PROFILE/RULE of every rule that allows the name. */
  readonly rules: readonly string[];
  /** True when the name is a sample standing for a wildcard pattern. */
  readonly sample: boolean;
}

const labelPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A sample label must be one DNS label, or the names built from it would be refused. */
export function isSampleLabel(label: string): boolean {
  return labelPattern.test(label);
}

/** Every concrete name the policy's rules allow, in rule order; CIDR-only rules name no host. */
export function listLabEndpoints(policy: CompiledPolicy, sampleLabel: string): readonly LabEndpoint[] {
  const byHost = new Map<string, { ports: Set<string>; rules: Set<string>; sample: boolean }>();
  for (const rule of policy.rules) {
    for (const pattern of rule.patterns) {
      for (const host of sampleHostNames(pattern, sampleLabel)) {
        let entry = byHost.get(host);
        if (entry === undefined) {
          entry = {
            ports: new Set(),
            rules: new Set(),
            sample: pattern.kind !== 'exact' && host !== pattern.base,
          };
          byHost.set(host, entry);
        }
        for (const port of rule.ports) entry.ports.add(port);
        entry.rules.add(`${rule.profile}/${rule.id}`);
      }
    }
  }
  return [...byHost].map(([host, e]) => ({
    host,
    ports: [...e.ports],
    rules: [...e.rules],
    sample: e.sample,
  }));
}
