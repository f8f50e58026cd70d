import { PATH_MISMATCH, PORT_MISMATCH } from './compile-matcher.js';
import type { CompiledPolicy } from './compiled-policy.js';
import { deny, type Decision, type Deny, type DenyReason, type Mode } from './decision.js';
import { normalizeHost } from './normalize-host.js';

export interface Target {
  readonly host: string;
  readonly port: number;
  readonly path?: string;
}

const DETAIL: Readonly<Record<DenyReason, string>> = {
  no_matching_rule: 'no rule allows this host',
  port_not_allowed: 'the host is allowed, but not on this port',
  path_not_allowed: 'the host is allowed, but not this path (as some server would read it)',
  ip_literal: 'an IP address matches only CIDR rules, and none allows it',
  invalid_target: 'not a valid host and port',
  no_sni: 'the TLS ClientHello names no server (no SNI)',
  ip_sni: 'the TLS ClientHello names an IP address as server',
  not_tls: 'the bytes are not a TLS ClientHello',
  client_not_allowed: 'this client address is in no client group',
  private_address: 'the destination resolves to a private, loopback or metadata address',
  loop: 'the destination is egressgate itself',
  connection_limit: 'too many connections',
};

// Denials are constants, so a decision never allocates.
const DENIALS = {
  enforce: Object.fromEntries(
    Object.keys(DETAIL).map((r) => [r, deny(r as DenyReason, DETAIL[r as DenyReason], 'enforce')]),
  ),
  report: Object.fromEntries(
    Object.keys(DETAIL).map((r) => [r, deny(r as DenyReason, DETAIL[r as DenyReason], 'report')]),
  ),
} as Record<Mode, Record<DenyReason, Deny>>;

export function denial(reason: DenyReason, mode: Mode): Deny {
  return DENIALS[mode][reason];
}

/** The policy's answer for one target; enforcement (report mode) is folded into the Deny. */
export function decide(policy: CompiledPolicy, target: Target, mode: Mode): Decision {
  const normalized = normalizeHost(target.host);
  if (!normalized || !Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    return denial('invalid_target', mode);
  }
  const found =
    normalized.kind === 'name'
      ? policy.matcher.matchName(normalized.host, target.port, target.path)
      : policy.matcher.matchAddress(normalized.host, normalized.kind, target.port);
  if (found >= 0) return policy.allows[found] ?? denial('no_matching_rule', mode);
  if (found === PORT_MISMATCH) return denial('port_not_allowed', mode);
  if (found === PATH_MISMATCH) return denial('path_not_allowed', mode);
  return denial(normalized.kind === 'name' ? 'no_matching_rule' : 'ip_literal', mode);
}
