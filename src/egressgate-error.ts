/** Where an error is and what caused it; every part optional. */
export interface ErrorOrigin {
  readonly file?: string | null;
  readonly line?: number | null;
  readonly cause?: unknown;
}

/**
 * The base of egressgate's own errors. `code` is stable and SCREAMING_SNAKE_CASE (the reload and
 * worker log lines carry it as `code`), except `DialError`'s, which are RFC 9209's Proxy-Status
 * error types as clients and log lines see them. `file` and `line` are what the operator has to fix,
 * where known, and stand in front of the message as `file:line: `; `reason` is the message without them.
 */
export class EgressgateError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly file: string | null;
  readonly line: number | null;
  readonly reason: string;

  constructor(code: Code, message: string, origin: ErrorOrigin = {}) {
    const at = origin.file ? `${origin.file}${origin.line ? `:${origin.line}` : ''}: ` : '';
    super(`${at}${message}`, origin.cause === undefined ? undefined : { cause: origin.cause });
    // The class's own name (ConfigError, PolicyError, ...): log lines carry it as errorName.
    this.name = new.target.name;
    this.code = code;
    this.file = origin.file ?? null;
    this.line = origin.line ?? null;
    this.reason = message;
  }
}
