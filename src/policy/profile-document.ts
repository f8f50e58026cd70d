import type { Cloud } from './cloud.js';

/** A profile file as written, after schema validation (src/policy/load-profile-file.ts). */
export interface ProfileDocument {
  readonly name: string;
  readonly description: string;
  readonly sources?: readonly { readonly id: string; readonly title: string; readonly file?: string }[];
  readonly include?: readonly string[];
  readonly parameters?: Readonly<Record<string, ParameterDocument>>;
  readonly rules: readonly RuleDocument[];
  readonly unproxied?: readonly UnproxiedDocument[];
}

export interface ParameterDocument {
  readonly description: string;
  readonly type?: 'string' | 'list';
  readonly required?: boolean;
  readonly default?: string | readonly string[];
  readonly allowed?: readonly string[];
  readonly pattern?: string;
  /**
   * Values are the customer's own servers: names, IP addresses or CIDRs. A rule whose hosts are only
   * such values may reach private addresses; an address value matches as a CIDR of the rule.
   */
  readonly customerOwned?: boolean;
}

export interface Provenance {
  readonly document: string;
  readonly section?: string;
  readonly entry?: string;
  readonly note?: string;
}

export interface RuleDocument {
  readonly id: string;
  readonly hosts?: readonly string[];
  readonly cidrs?: readonly string[];
  /** Azure service tags, expanded to CIDRs from the configured Service Tags file. */
  readonly servicetags?: readonly string[];
  /** 'tcp': the protocol names no server, so redirected traffic matches only by CIDR. */
  readonly protocol?: 'tcp';
  readonly ports: readonly (number | string)[];
  readonly paths?: readonly string[];
  readonly cloud?: readonly Cloud[];
  readonly feature?: string | readonly string[];
  readonly when?: Readonly<Record<string, readonly string[]>>;
  readonly anyHost?: boolean;
  /** Why a deliberate overlap with a broader rule stays: `egressgate lint` acknowledges it. */
  readonly overlapOk?: string;
  readonly purpose?: string;
  readonly provenance: Provenance;
}

export interface UnproxiedDocument {
  readonly id: string;
  readonly protocol: 'udp' | 'tcp' | 'ip' | 'tcp/udp';
  readonly destinations: readonly string[];
  readonly ports?: readonly (number | string)[];
  readonly cloud?: readonly Cloud[];
  readonly feature?: string | readonly string[];
  readonly when?: Readonly<Record<string, readonly string[]>>;
  readonly purpose?: string;
  readonly provenance: Provenance;
}

/** Where a value sits in its file, for errors that name the line. */
export type Locate = (path: readonly (string | number)[]) => number | null;

export interface LoadedProfile {
  readonly file: string;
  readonly document: ProfileDocument;
  readonly locate: Locate;
}
