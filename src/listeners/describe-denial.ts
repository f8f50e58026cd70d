import type { EgressRequest } from '../egress-request.js';
import type { Deny } from '../policy/decision.js';
import { dialErrorResponses } from '../net/dial-error.js';
import type { DialErrorCode } from '../observe/recorder.js';
import { formatProxyStatus } from './proxy-status.js';

export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

function formatTarget(request: EgressRequest): string {
  return request.host.includes(':') ? `[${request.host}]:${request.port}` : `${request.host}:${request.port}`;
}

/** 403 with the host, port and reason; a target that is no target at all is a 400. */
export function describeDenial(request: EgressRequest, decision: Deny): HttpAnswer {
  const invalid = decision.reason === 'invalid_target';
  const details = `${formatTarget(request)} ${decision.reason}: ${decision.detail}`;
  return {
    status: invalid ? 400 : 403,
    statusText: invalid ? 'Bad Request' : 'Forbidden',
    body: `egressgate: denied ${formatTarget(request)} (${decision.reason}: ${decision.detail})\n`,
    headers: {
      'Proxy-Status': formatProxyStatus(invalid ? 'http_request_error' : 'http_request_denied', details),
    },
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
