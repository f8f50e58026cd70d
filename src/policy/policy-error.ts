import { EgressgateError, type ErrorOrigin } from '../egressgate-error.js';

export type PolicyErrorCode =
  | 'PROFILE_NOT_FOUND'
  | 'PROFILE_INVALID'
  | 'YAML_SYNTAX'
  | 'BAD_PATTERN'
  | 'BAD_PORT'
  | 'BAD_CIDR'
  | 'BAD_PATH'
  | 'PARAMETER_UNDECLARED'
  | 'PARAMETER_MISSING'
  | 'PARAMETER_INVALID'
  | 'INCLUDE_CYCLE'
  | 'SERVICE_TAG_NOT_FOUND'
  | 'RULE_NOT_FOUND';

/** A policy that cannot be loaded. Always names the file and, where known, the line. */
export class PolicyError extends EgressgateError<PolicyErrorCode> {
  /** The parameter the error is about, when it is about one. */
  readonly parameter: string | null;

  constructor(code: PolicyErrorCode, message: string, where: ErrorOrigin & { parameter?: string } = {}) {
    super(code, message, where);
    this.parameter = where.parameter ?? null;
  }
}
