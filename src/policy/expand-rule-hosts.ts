import { parseHostPattern, type HostPattern } from './host-pattern.js';
import { type Cidr } from '../address/read-cidr.js';
import { parseCidr } from './parse-cidr.js';
import { findProtectedOverlap } from './protected-ranges.js';
import { PolicyError } from './policy-error.js';
import type { LoadedProfile, RuleDocument } from './profile-document.js';
import { substitute, type ParameterValue } from './resolve-parameters.js';

export interface ExpandedHosts {
  readonly hosts: readonly string[];
  readonly patterns: readonly HostPattern[];
  /** Addresses and CIDRs handed in through customer-owned parameters: matched like `cidrs`. */
  readonly cidrs: readonly Cidr[];
  /**
   * Every name of the rule came from a customer-owned parameter: the operator's own servers, which
   * may resolve to private addresses (never metadata, loopback or unspecified ones).
   */
  readonly privateDestinations: boolean;
}

const WHOLE_PARAMETER = /^\{([a-z][a-z0-9_]*)\}$/;

/**
 * The rule's host patterns after substitution. An entry that is exactly one `customerOwned`
 * parameter (`{ldap_servers}`) takes names, IP addresses and CIDRs: addresses become CIDRs of the
 * rule, names stay host patterns that may resolve to private space.
 */
export function expandRuleHosts(
  profile: LoadedProfile,
  rule: RuleDocument,
  index: number,
  values: ReadonlyMap<string, ParameterValue>,
): ExpandedHosts {
  const { file, locate } = profile;
  const hosts: string[] = [];
  const patterns: HostPattern[] = [];
  const cidrs: Cidr[] = [];
  let ownNames = 0;
  for (const [h, text] of (rule.hosts ?? []).entries()) {
    const path = ['rules', index, 'hosts', h];
    const parameter = WHOLE_PARAMETER.exec(text)?.[1];
    const customerOwned =
      parameter !== undefined && profile.document.parameters?.[parameter]?.customerOwned === true;
    for (const expanded of substitute(text, values, { profile, path })) {
      const address = customerOwned ? parseCidr(expanded) : null;
      if (address?.ok === true) {
        const protectedClass = findProtectedOverlap(address.cidr);
        if (protectedClass !== null) {
          throw new PolicyError(
            'BAD_CIDR',
            `rule '${rule.id}': ${expanded} (parameter ${parameter ?? ''}) reaches ${protectedClass} addresses; a customer's own server is never there`,
            { file, line: locate(path) },
          );
        }
        cidrs.push(address.cidr);
        continue;
      }
      const parsed = parseHostPattern(expanded, { anyHost: rule.anyHost === true });
      if (!parsed.ok) {
        const via = expanded === text ? '' : ` (from '${text}')`;
        throw new PolicyError('BAD_PATTERN', `rule '${rule.id}': ${parsed.error}${via}`, {
          file,
          line: locate(path),
        });
      }
      hosts.push(expanded);
      patterns.push(parsed.pattern);
      if (customerOwned) ownNames += 1;
    }
  }
  return { hosts, patterns, cidrs, privateDestinations: ownNames > 0 && ownNames === patterns.length };
}
