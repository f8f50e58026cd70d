import type { HostPattern } from './host-pattern.js';
import type { Cidr } from '../address/read-cidr.js';
import type { PortSet } from './port-set.js';
import type { Provenance } from './profile-document.js';

/** A rule after parameters, includes and cloud conditions have been applied. */
export interface ResolvedRule {
  readonly profile: string;
  readonly id: string;
  /** Host patterns as they read after substitution. */
  readonly hosts: readonly string[];
  readonly cidrs: readonly string[];
  /** The service tags whose ranges `cidrs` includes, as expanded (e.g. Sql.westeurope). */
  readonly servicetags?: readonly string[];
  /** 'tcp' when the port's protocol names no server: redirected traffic matches only the CIDRs. */
  readonly protocol?: 'tcp';
  /** Ports as written, e.g. '443', '44300-44304'. */
  readonly ports: readonly string[];
  readonly paths?: readonly string[];
  readonly purpose: string;
  readonly provenance: Provenance;
  readonly patterns: readonly HostPattern[];
  readonly cidrList: readonly Cidr[];
  readonly portSet: PortSet;
  /** Its names are the customer's own servers (customer-owned parameters): private addresses allowed. */
  readonly privateDestinations?: true;
}

/** A rule that is in the profile but matches nothing with these parameters, and why. */
export interface InactiveRule {
  readonly profile: string;
  readonly id: string;
  readonly why: string;
}

/** A documented opening egressgate cannot enforce (UDP, service tags): listed, never matched. */
export interface ResolvedUnproxied {
  readonly profile: string;
  readonly id: string;
  readonly protocol: string;
  readonly destinations: readonly string[];
  readonly ports: readonly string[];
  readonly purpose: string;
  readonly provenance: Provenance;
}
