import { classifyAddress } from '../net/classify-address.js';
import { registrableDomain } from './document-catalog.js';

/** Names that stay on the host or the local network, or reach a cloud metadata service by name. */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'localdomain', 'home.arpa', 'lan', 'intranet'];
const METADATA_NAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'instance-data',
]);

function isLocalName(name: string): boolean {
  return !name.includes('.') || LOCAL_SUFFIXES.some((s) => name === s || name.endsWith(`.${s}`));
}

/**
 * Why a refused destination gets a finding instead of a suggested rule, or null when a rule may be
 * suggested. An address that is not public (metadata, loopback, private, link-local, ...) is never
 * suggested: opening it is a decision for a person, with a CIDR rule written by hand. A name under a
 * registrable domain no document row names is suggested only when it was refused more than once.
 */
export function screenSuggestionTarget(
  target: { readonly kind: 'name' | 'ipv4' | 'ipv6'; readonly host: string; readonly connections: number },
  documentedDomains: ReadonlySet<string>,
): string | null {
  if (target.kind !== 'name') {
    const cls = classifyAddress(target.host);
    return cls === 'public'
      ? null
      : `${cls.replace('_', '-')} address: no rule suggested; name its CIDR by hand if it is really needed`;
  }
  if (METADATA_NAMES.has(target.host)) return 'a cloud metadata name: never suggested';
  if (isLocalName(target.host)) return 'a local or single-label name: no rule suggested';
  const domain = registrableDomain(target.host);
  if (domain !== null && documentedDomains.has(domain)) return null;
  return target.connections > 1
    ? null
    : `one connection to a name under ${domain ?? target.host}, a domain no document row names: check it before allowing`;
}

/** Whether `*.parent` may be suggested: only under a registrable domain a document row names. */
export function isDocumentedParent(parent: string, documentedDomains: ReadonlySet<string>): boolean {
  const domain = registrableDomain(parent);
  return domain !== null && documentedDomains.has(domain);
}
