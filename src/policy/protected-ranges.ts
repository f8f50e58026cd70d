import { BlockList } from 'node:net';
import { requireCidr, type Cidr } from '../address/read-cidr.js';

/** Addresses that mean "this host" or "any host": never a destination. */
export const UNSPECIFIED_RANGES: readonly string[] = ['0.0.0.0/32', '::/128'];

/** Cloud instance metadata and host-agent endpoints: credentials live there. */
export const METADATA_RANGES: readonly string[] = [
  '169.254.169.254/32', // AWS, Azure, GCP, OCI instance metadata
  '169.254.170.2/32', // AWS ECS task metadata / credentials
  '169.254.170.23/32', // AWS EKS pod identity agent
  '168.63.129.16/32', // Azure WireServer / host agent (public space, platform-only)
  '100.100.100.200/32', // Alibaba Cloud metadata
  'fd00:ec2::254/128', // AWS IMDS over IPv6
  'fd00:ec2::23/128', // AWS EKS pod identity over IPv6
];

/** This host: egressgate itself and whatever else listens on it. */
export const LOOPBACK_RANGES: readonly string[] = ['127.0.0.0/8', '::1/128'];

const PROTECTED: readonly (readonly [string, readonly string[]])[] = [
  ['unspecified', UNSPECIFIED_RANGES],
  ['metadata', METADATA_RANGES],
  ['loopback', LOOPBACK_RANGES],
];

function toBlockList(base: string, prefix: number, family: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  list.addSubnet(base, prefix, family);
  return list;
}

/**
 * Which protected class (unspecified, metadata, loopback) a CIDR overlaps, or null. A customer's own
 * server or a group's private address space is private space, never these: a CIDR that reaches
 * into them would let every name the group may use be dialed there.
 */
export function findProtectedOverlap(cidr: Cidr): string | null {
  const given = toBlockList(cidr.address, cidr.prefix, cidr.family);
  for (const [cls, ranges] of PROTECTED) {
    for (const range of ranges) {
      const { address: base, prefix: bits, family } = requireCidr(range);
      // An IPv4 range also stands as its IPv4-mapped IPv6 form.
      const forms: [string, number, 'ipv4' | 'ipv6'][] =
        family === 'ipv4'
          ? [
              [base, bits, 'ipv4'],
              [`::ffff:${base}`, 96 + bits, 'ipv6'],
            ]
          : [[base, bits, 'ipv6']];
      for (const [b, p, f] of forms) {
        if (f !== cidr.family) continue;
        // Two CIDRs overlap exactly when one contains the other's first address.
        if (given.check(b, f) || toBlockList(b, p, f).check(cidr.address, f)) return cls;
      }
    }
  }
  return null;
}
