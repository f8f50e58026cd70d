import { EgressgateError } from '../egressgate-error.js';
/** Typed dial failures; each maps to one RFC 9209 error and one HTTP status. */
export type DialErrorCode =
  | 'dns_error'
  | 'connection_refused'
  | 'connection_timeout'
  | 'connection_terminated'
  | 'destination_ip_prohibited'
  | 'destination_unavailable'
  | 'proxy_internal_error';

/** A dial that did not produce a connection. The code is the RFC 9209 error type it maps to. */
export class DialError extends EgressgateError<DialErrorCode> {}

export interface DialErrorResponse {
  readonly status: number;
  readonly statusText: string;
  /** The RFC 9209 Proxy-Status error type. */
  readonly proxyStatusError: DialErrorCode;
}

/** The one table from a dial failure to what an HTTP client is told. */
export const dialErrorResponses: Readonly<Record<DialErrorCode, DialErrorResponse>> = Object.freeze({
  dns_error: { status: 502, statusText: 'Bad Gateway', proxyStatusError: 'dns_error' },
  connection_refused: { status: 502, statusText: 'Bad Gateway', proxyStatusError: 'connection_refused' },
  connection_timeout: { status: 504, statusText: 'Gateway Timeout', proxyStatusError: 'connection_timeout' },
  connection_terminated: {
    status: 502,
    statusText: 'Bad Gateway',
    proxyStatusError: 'connection_terminated',
  },
  destination_ip_prohibited: {
    status: 502,
    statusText: 'Bad Gateway',
    proxyStatusError: 'destination_ip_prohibited',
  },
  destination_unavailable: {
    status: 503,
    statusText: 'Service Unavailable',
    proxyStatusError: 'destination_unavailable',
  },
  proxy_internal_error: {
    status: 500,
    statusText: 'Internal Server Error',
    proxyStatusError: 'proxy_internal_error',
  },
});

const errnoCodes: Readonly<Record<string, DialErrorCode>> = {
  ENOTFOUND: 'dns_error',
  EAI_AGAIN: 'dns_error',
  EAI_FAIL: 'dns_error',
  EAI_NONAME: 'dns_error',
  ENODATA: 'dns_error',
  ECONNREFUSED: 'connection_refused',
  ETIMEDOUT: 'connection_timeout',
  ECONNRESET: 'connection_terminated',
  EPIPE: 'connection_terminated',
  EHOSTUNREACH: 'destination_unavailable',
  ENETUNREACH: 'destination_unavailable',
  EHOSTDOWN: 'destination_unavailable',
  EADDRNOTAVAIL: 'destination_unavailable',
};

/** Turns whatever a socket or resolver threw into a typed DialError. */
export function toDialError(err: unknown): DialError {
  if (err instanceof DialError) return err;
  const errno = (err as { code?: unknown } | null)?.code;
  const code = typeof errno === 'string' ? errnoCodes[errno] : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return new DialError(code ?? 'proxy_internal_error', message);
}
