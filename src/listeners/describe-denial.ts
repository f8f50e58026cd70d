import type { EgressRequest } from '../egress-request.js';
import type { Deny } from '../policy/decision.js';
import { dialErrorResponses } from '../net/dial-error.js';
import type { DialErrorCode } from '../net/dial-error.js';
import { formatProxyStatus } from './proxy-status.js';
import { formatHostPort } from '../address/format-host-port.js';

export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

function formatTarget(request: EgressRequest): string {
  return formatHostPort(request.host, request.port);
}

// Not a policy answer: a target that is no target is the client's error, a full gateway is temporary.
const special: Readonly<
  Partial<Record<Deny['reason'], Omit<HttpAnswer, 'body' | 'headers'> & { error: string }>>
> = {
  invalid_target: { status: 400, statusText: 'Bad Request', error: 'http_request_error' },
  connection_limit: { status: 503, statusText: 'Service Unavailable', error: 'connection_limit_reached' },
};

/** 403 with the host, port and reason; 400 for a target that is no target, 503 at a connection limit. */
export function describeDenial(request: EgressRequest, decision: Deny): HttpAnswer {
  const answer = special[decision.reason] ?? {
    status: 403,
    statusText: 'Forbidden',
    error: 'http_request_denied',
  };
  const details = `${formatTarget(request)} ${decision.reason}: ${decision.detail}`;
  return {
    status: answer.status,
    statusText: answer.statusText,
    body: `egressgate: denied ${formatTarget(request)} (${decision.reason}: ${decision.detail})\n`,
    headers: { 'Proxy-Status': formatProxyStatus(answer.error, details) },
  };
}

/** The status and RFC 9209 error type from the one table in src/net/dial-error.ts. */
export function describeDialFailure(
  request: EgressRequest,
  code: DialErrorCode,
  message: string,
): HttpAnswer {
  const { status, statusText, proxyStatusError } = dialErrorResponses[code];
  return {
    status,
    statusText,
    body: `egressgate: cannot reach ${formatTarget(request)} (${code})\n`,
    headers: { 'Proxy-Status': formatProxyStatus(proxyStatusError, `${formatTarget(request)}: ${message}`) },
  };
}

/** 504 with RFC 9209 http_response_timeout: the upstream took the request and never answered. */
export function describeResponseTimeout(request: EgressRequest, idleMs: number): HttpAnswer {
  const details = `${formatTarget(request)}: no response within ${idleMs} ms`;
  return {
    status: 504,
    statusText: 'Gateway Timeout',
    body: `egressgate: ${details}\n`,
    headers: { 'Proxy-Status': formatProxyStatus('http_response_timeout', details) },
  };
}

/** 502 with RFC 9209 http_protocol_error: the upstream's answer to an upgrade was not the handshake. */
export function describeProtocolError(request: EgressRequest, why: string): HttpAnswer {
  const details = `${formatTarget(request)}: ${why}`;
  return {
    status: 502,
    statusText: 'Bad Gateway',
    body: `egressgate: ${details}\n`,
    headers: { 'Proxy-Status': formatProxyStatus('http_protocol_error', details) },
  };
}
