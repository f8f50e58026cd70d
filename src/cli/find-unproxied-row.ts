import { BlockList, isIP } from 'node:net';
import type { Target } from '../policy/decide.js';
import type { CompiledPolicy } from '../policy/compiled-policy.js';
import { parseCidr } from '../policy/parse-cidr.js';
import { parsePortSet, portSetHas } from '../policy/port-set.js';
import type { ResolvedUnproxied } from '../policy/resolved-rule.js';

/**
 * The unproxied row (NTP, DNS, an address range) a target falls under, if any: the proxy refuses it
 * either way, but the operator should hear that the firewall is where it belongs. Service tags name
 * no address egressgate knows, so they never match here.
 */
export function findUnproxiedRow(policy: CompiledPolicy, target: Target): ResolvedUnproxied | null {
  const host = target.host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
  for (const row of policy.unproxied) {
    if (!portMatches(row.ports, target.port)) continue;
    if (row.destinations.some((d) => destinationMatches(d, host))) return row;
  }
  return null;
}

function portMatches(ports: readonly string[], port: number): boolean {
  if (ports.length === 0) return true;
  const set = parsePortSet(ports);
  return set.ok && portSetHas(set.ports, port);
}

function destinationMatches(destination: string, host: string): boolean {
  const d = destination.trim().toLowerCase();
  if (d.startsWith('servicetag:')) return false;
  if (d === host) return true;
  const family = isIP(host);
  if (family === 0 || !d.includes('/')) return false;
  const cidr = parseCidr(d);
  if (!cidr.ok) return false;
  const list = new BlockList();
  list.addSubnet(cidr.cidr.address, cidr.cidr.prefix, cidr.cidr.family);
  return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
}
