import { isIP } from 'node:net';
import { locateGroupError } from '../config/locate-group-error.js';
import { loadConfigWithOrigin } from '../config/load-config.js';
import { compileGroupMatchers, matchClientGroup } from '../proxy/match-client-group.js';
import { resolveSettings } from '../config/resolve-settings.js';
import type { CompiledPolicy } from '../policy/compiled-policy.js';
import type { Mode } from '../policy/decision.js';
import { loadPolicy } from '../policy/load-policy.js';
import { defaultPoliciesDir } from './default-policies-dir.js';

export interface ClientPolicy {
  /** null: the client is in no group, and the gateway would refuse it. */
  readonly policy: CompiledPolicy | null;
  readonly mode: Mode;
  readonly group: string | null;
}

/**
 * The policy a client would get from `serve --config FILE`: the first group that holds its address
 * (and user), with that group's profiles, parameters and mode. `--policies` replaces the file's dirs.
 */
export async function resolveClientPolicy(
  file: string,
  client: string,
  user: string | undefined,
  policies: readonly string[],
): Promise<ClientPolicy> {
  const { config, origin } = await loadConfigWithOrigin(file);
  const settings = resolveSettings(config, { defaultPoliciesDir: defaultPoliciesDir(), origin });
  const address = client.replace(/^\[(.*)\]$/, '$1');
  if (isIP(address) === 0) throw new Error(`--client ${client}: not an IP address`);
  const group = matchClientGroup(compileGroupMatchers(settings.groups), address, user);
  if (group === null) return { policy: null, mode: 'enforce', group: null };
  const dir = policies.length > 0 ? policies : settings.policiesDir;
  try {
    const policy = await loadPolicy({ dir, profiles: group.profiles, parameters: group.parameters });
    return { policy, mode: group.mode, group: group.name };
  } catch (err) {
    throw locateGroupError(err, group);
  }
}
