import type { CompiledPolicy } from '../policy/compiled-policy.js';
import { decide } from '../policy/decide.js';
import type { PolicyView } from './redecide-traffic.js';

/** Adapts a loaded policy for the audit; `parameters` are the `--set` values as given. */
export function createPolicyView(
  policy: CompiledPolicy,
  profiles: readonly string[],
  parameters: Readonly<Record<string, string>>,
): PolicyView {
  return {
    profiles,
    parameters,
    rules: policy.rules,
    inactive: policy.inactive,
    // Enforce mode: the what-if asks what the profiles would refuse, whatever mode recorded the traffic.
    decide: (target) => decide(policy, target, 'enforce'),
  };
}
