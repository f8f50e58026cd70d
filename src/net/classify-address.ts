import { EgressgateError } from '../egressgate-error.js';
import net, { type BlockList, type SocketAddress } from 'node:net';
import { requireCidr } from '../address/read-cidr.js';
import { LOOPBACK_RANGES, METADATA_RANGES, UNSPECIFIED_RANGES } from '../policy/protected-ranges.js';

/**
 * What an IP address is, from the IANA special-purpose registries (RFC 6890 and later
 * additions). Only 'public' is dialable by default: everything else needs a rule that names
 * its CIDR explicitly, and some classes are never dialable (see isDialable).
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'metadata'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'reserved'
  | 'documentation'
  | 'benchmarking';

export class InvalidAddressError extends EgressgateError<'INVALID_ADDRESS'> {
  constructor(readonly input: string) {
    super('INVALID_ADDRESS', `not an IP address: ${JSON.stringify(input)}`);
  }
}

/**
 * Classes a rule cannot open: 0.0.0.0 and :: reach the local host on Linux, cloud metadata
 * services hand out credentials to whoever asks, and TCP cannot use multicast.
 */
const NEVER_DIALABLE: ReadonlySet<AddressClass> = new Set(['unspecified', 'metadata', 'multicast']);

type Stage = readonly [AddressClass, readonly string[]];

/**
 * First match wins. IPv4 ranges also apply to their IPv4-mapped (::ffff:0:0/96) and NAT64
 * well-known-prefix (64:ff9b::/96, RFC 6052) spellings: both reach the embedded IPv4 host, and
 * RFC 6052 §3.1 forbids the well-known prefix for non-global IPv4, so those keep the IPv4 class.
 * 6to4 (2002::/16) and Teredo (2001::/32) are classified 'reserved' as a whole: both are
 * deprecated tunnels whose embedded IPv4 should never be a reason to dial.
 */
const STAGES: readonly Stage[] = [
  ['unspecified', UNSPECIFIED_RANGES],
  ['metadata', METADATA_RANGES],
  ['loopback', LOOPBACK_RANGES],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']],
  ['cgnat', ['100.64.0.0/10']],
  ['link_local', ['169.254.0.0/16', 'fe80::/10']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20']],
  ['benchmarking', ['198.18.0.0/15', '2001:2::/48']],
  [
    'reserved',
    [
      '0.0.0.0/8', // "this network"
      '192.88.99.0/24', // deprecated 6to4 relay anycast
      '240.0.0.0/4', // reserved, includes 255.255.255.255 limited broadcast
      '100::/64', // discard-only
      '2001::/32', // Teredo
      '2002::/16', // 6to4
      '64:ff9b:1::/48', // local-use NAT64 (RFC 8215)
      'fec0::/10', // deprecated site-local
      '5f00::/16', // SRv6 SIDs
    ],
  ],
  // Entries of the registries marked "globally reachable" inside blocks that are otherwise not.
  [
    'public',
    [
      '192.0.0.9/32',
      '192.0.0.10/32',
      '2001:1::1/128',
      '2001:1::2/128',
      '2001:3::/32',
      '2001:4:112::/48',
      '2001:20::/28',
      '2001:30::/28',
    ],
  ],
  ['reserved', ['192.0.0.0/24', '2001::/23']],
  // An IPv4-mapped or NAT64 address whose IPv4 is not special is as public as that IPv4.
  ['public', ['::ffff:0:0/96', '64:ff9b::/96']],
  // Outside 2000::/3 nothing is allocated as global unicast.
  ['reserved', ['::/3', '4000::/2', '8000::/1']],
];

interface CompiledStage {
  readonly cls: AddressClass;
  readonly v4: BlockList;
  readonly v6: BlockList;
}

/** The registry compiled into BlockLists, one pair per stage; built once, never mutated. */
const COMPILED: readonly CompiledStage[] = STAGES.map(compileStage);

export function classifyAddress(ip: string): AddressClass {
  const parsed = parseAddress(ip);
  if (parsed === null) throw new InvalidAddressError(ip);
  return classifyParsed(parsed);
}

/**
 * Whether the gateway may connect to `ip`: public addresses always, others only when a rule
 * names a CIDR that contains them (`allowedCidrs`), and never the NEVER_DIALABLE classes.
 * Invalid input is simply not dialable.
 */
export function isDialable(ip: string, allowedCidrs: BlockList | null): boolean {
  const parsed = parseAddress(ip);
  if (parsed === null) return false;
  const cls = classifyParsed(parsed);
  if (cls === 'public') return true;
  if (NEVER_DIALABLE.has(cls) || allowedCidrs === null) return false;
  return allowedCidrs.check(parsed);
}

/**
 * Whether a customer's own server may be at `ip`: a name the operator handed in as their own
 * (a customer-owned parameter) or a report-mode connection may reach private space, but never the
 * NEVER_DIALABLE classes, and never loopback: that is this host, egressgate and its neighbours.
 */
export function isCustomerDialable(ip: string): boolean {
  const parsed = parseAddress(ip);
  if (parsed === null) return false;
  const cls = classifyParsed(parsed);
  return !NEVER_DIALABLE.has(cls) && cls !== 'loopback';
}

function classifyParsed(parsed: SocketAddress): AddressClass {
  const v4 = parsed.family === 'ipv4';
  for (const stage of COMPILED) {
    if ((v4 ? stage.v4 : stage.v6).check(parsed)) return stage.cls;
  }
  return 'public';
}

/**
 * One parse per call: BlockList.check with a string builds a SocketAddress internally each
 * time, which costs ~50x a check against a prebuilt one.
 */
function parseAddress(ip: string): SocketAddress | null {
  const address = stripZone(ip);
  const version = net.isIP(address);
  if (version === 0) return null;
  return new net.SocketAddress({ address, family: version === 4 ? 'ipv4' : 'ipv6' });
}

function compileStage([cls, cidrs]: Stage): CompiledStage {
  // Separate lists per family: a BlockList would otherwise match IPv4 checks against
  // IPv4-mapped IPv6 rules (and the reverse), which the catch-all IPv6 stages must not do.
  const v4 = new net.BlockList();
  const v6 = new net.BlockList();
  for (const text of cidrs) {
    const { address, prefix, family } = requireCidr(text);
    if (family === 'ipv4') {
      v4.addSubnet(address, prefix, 'ipv4');
      v6.addSubnet(`::ffff:${address}`, 96 + prefix, 'ipv6');
      v6.addSubnet(`64:ff9b::${address}`, 96 + prefix, 'ipv6');
    } else {
      v6.addSubnet(address, prefix, 'ipv6');
    }
  }
  return { cls, v4, v6 };
}

function stripZone(ip: string): string {
  if (typeof ip !== 'string') return '';
  // Only IPv6 link-local literals carry a zone ("fe80::1%eth0"); it does not change the class.
  const zone = ip.indexOf('%');
  return zone > 0 && zone < ip.length - 1 && ip.lastIndexOf(':', zone) !== -1 ? ip.slice(0, zone) : ip;
}
