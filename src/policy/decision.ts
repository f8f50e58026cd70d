/** Why a target was refused. A closed set: the decision log, metrics and audit all key on it. */
export const DENY_REASONS = [
  'no_matching_rule',
  'port_not_allowed',
  'path_not_allowed',
  'ip_literal',
  'invalid_target',
  'no_sni',
  'ip_sni',
  'not_tls',
  'client_not_allowed',
  'private_address',
  'loop',
  'connection_limit',
] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

export const MODES = ['enforce', 'report'] as const;
export type Mode = (typeof MODES)[number];

/** The word the decision log and the metrics use for a decision: a report is a denial let through. */
export const DECISION_LABELS = ['allow', 'deny', 'report'] as const;
export type DecisionLabel = (typeof DECISION_LABELS)[number];

export interface Allow {
  readonly verdict: 'allow';
  readonly reason: 'allowed';
  readonly profile: string;
  readonly rule: string;
  /** Always true: an allow is never held back. Kept so every Decision has the field. */
  readonly enforced: true;
}

export interface Deny {
  readonly verdict: 'deny';
  readonly reason: DenyReason;
  readonly detail: string;
  readonly profile: null;
  readonly rule: null;
  /** false in report mode: the connection goes ahead, but is logged and counted as a would-be denial. */
  readonly enforced: boolean;
}

export type Decision = Allow | Deny;

/** The word the decision log and the metrics use. */
export function decisionLabel(d: Decision): DecisionLabel {
  if (d.verdict === 'allow') return 'allow';
  return d.enforced ? 'deny' : 'report';
}

export function allow(profile: string, rule: string): Allow {
  return { verdict: 'allow', reason: 'allowed', profile, rule, enforced: true };
}

export function deny(reason: DenyReason, detail: string, mode: Mode = 'enforce'): Deny {
  return { verdict: 'deny', reason, detail, profile: null, rule: null, enforced: mode === 'enforce' };
}
