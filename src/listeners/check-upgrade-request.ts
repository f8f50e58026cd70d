import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { HttpAnswer } from './describe-denial.js';
import { formatProxyStatus } from './proxy-status.js';

const websocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 §4.2.2: the Sec-WebSocket-Accept a server must answer the client's key with. */
export function computeWebSocketAccept(key: string): string {
  return createHash('sha1').update(`${key}${websocketGuid}`).digest('base64');
}

const tokens = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');

function refuse(status: 400 | 501, details: string): HttpAnswer {
  return {
    status,
    statusText: status === 400 ? 'Bad Request' : 'Not Implemented',
    body: `egressgate: ${details}\n`,
    headers: { 'Proxy-Status': formatProxyStatus('http_request_error', details) },
  };
}

/**
 * The answer for an upgrade egressgate will not forward, or null for a websocket handshake it
 * can verify the answer to. Only websockets are relayed: any other protocol (h2c, TLS) would turn
 * the connection into bytes no decision looks at.
 */
export function checkUpgradeRequest(req: IncomingMessage): HttpAnswer | null {
  const upgrade = tokens(req.headers.upgrade);
  if (upgrade.length !== 1 || upgrade[0] !== 'websocket') {
    return refuse(501, `only websocket upgrades are forwarded, not "${upgrade.join(', ')}"`);
  }
  if (req.method !== 'GET') {
    return refuse(400, `a websocket upgrade must be a GET (RFC 6455 section 4.1), not ${req.method ?? '?'}`);
  }
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) {
    // Its body would reach the upstream as the first websocket bytes, or as a second request.
    return refuse(400, 'a websocket upgrade carries no body');
  }
  const key = req.headers['sec-websocket-key'];
  // 16 random bytes, base64: 22 characters and '=='.
  if (typeof key !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(key)) {
    return refuse(400, 'a websocket upgrade needs one Sec-WebSocket-Key of 16 bytes in base64');
  }
  return null;
}

/**
 * Why an upstream's 101 does not complete the client's handshake (RFC 6455 §4.1, the checks a
 * client makes), or null when it does. Anything else after a 101 is a raw tunnel nobody decided.
 */
export function checkUpgradeAnswer(requestHeaders: IncomingHttpHeaders, res: IncomingMessage): string | null {
  if (res.statusCode !== 101) return `status ${res.statusCode ?? '?'} where 101 was expected`;
  const upgrade = tokens(res.headers.upgrade);
  if (upgrade.length !== 1 || upgrade[0] !== 'websocket') return 'the 101 does not say Upgrade: websocket';
  if (!tokens(res.headers.connection).includes('upgrade')) return 'the 101 does not say Connection: Upgrade';
  const key = requestHeaders['sec-websocket-key'];
  const accept = res.headers['sec-websocket-accept'];
  if (typeof key !== 'string' || accept !== computeWebSocketAccept(key)) {
    return 'Sec-WebSocket-Accept does not match the client key';
  }
  return null;
}
