/** Limits and timeouts every listener applies to its clients. */
export interface ListenerOptions {
  readonly maxHeaderBytes: number;
  readonly headersTimeoutMs: number;
  readonly helloTimeoutMs: number;
  readonly maxHelloBytes: number;
  readonly idleMs: number;
  /** Proxy Basic-auth passwords by user, for client groups that name users. */
  readonly passwords: ReadonlyMap<string, string>;
}
