import type { Mode } from '../policy/decision.js';
import type { DenyStyle } from './serve-config.js';

/** A client group with every default filled in: who it is, and which policy applies to them. */
export interface ClientGroup {
  readonly name: string;
  readonly cidrs: readonly string[];
  /** Proxy Basic-auth users that select this group; null = any client in the CIDRs. */
  readonly users: readonly string[] | null;
  readonly profiles: readonly string[];
  readonly parameters: Readonly<Record<string, string>>;
  /** PROFILE/RULE-ID of rules left out of this group's policy. */
  readonly excludeRules: readonly string[];
  readonly mode: Mode;
  readonly denyStyle: DenyStyle;
  readonly maxConnections: number | null;
  /**
   * The customer's own address space: names the policy allows may resolve into it (only on the
   * allowing rule's ports). Metadata, loopback and unspecified addresses stay refused.
   */
  readonly privateDestinations?: readonly string[];
  /** Where the group is written in the config file, so errors in its policy name that line; absent for flags. */
  readonly origin?: GroupOrigin;
}

export interface GroupOrigin {
  readonly file: string;
  /** The line of a key inside the group (`[]` = the group itself, `['parameters', 'region']`). */
  locate(path: readonly (string | number)[]): number | null;
}
