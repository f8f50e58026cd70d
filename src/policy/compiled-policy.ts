import type { Matcher } from './compile-matcher.js';
import type { Allow } from './decision.js';
import type { ResolvedProfiles } from './resolve-profiles.js';

/** Everything a decision needs, built once per load and frozen; a reload swaps the whole object. */
export interface CompiledPolicy extends ResolvedProfiles {
  readonly matcher: Matcher;
  /** One frozen Allow per rule, so deciding allocates nothing. */
  readonly allows: readonly Allow[];
  /** CIDRs that rules name explicitly: the only private ranges the dialer may reach. */
  readonly namedCidrs: readonly {
    readonly address: string;
    readonly prefix: number;
    readonly family: 'ipv4' | 'ipv6';
  }[];
  /** The Allows of rules whose names may resolve to private addresses (customer-owned servers). */
  readonly privateAllows: ReadonlySet<Allow>;
  readonly loadedAt: number;
}
