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
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code: PolicyErrorCode;
  readonly file: string | null;
  readonly line: number | null;
  /** The message without the file and line in front, for callers that place it elsewhere. */
  readonly reason: string;
  /** The parameter the error is about, when it is about one. */
  readonly parameter: string | null;

  constructor(
    code: PolicyErrorCode,
    message: string,
    where: { file?: string | null; line?: number | null; cause?: unknown; parameter?: string } = {},
  ) {
    const at = where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
    super(`${at}${message}`, where.cause === undefined ? undefined : { cause: where.cause });
    this.code = code;
    this.file = where.file ?? null;
    this.line = where.line ?? null;
    this.reason = message;
    this.parameter = where.parameter ?? null;
  }
}
