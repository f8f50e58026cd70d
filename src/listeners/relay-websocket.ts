import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { checkUpgradeAnswer } from './check-upgrade-request.js';
import { hopHeaderNames } from './strip-hop-headers.js';
import { SingleSocketAgent } from './single-socket-agent.js';

export interface WebSocketRelayEvents {
  /** The upstream answered with something that is not the websocket handshake the client asked for. */
  protocolError(why: string): void;
  /** The upstream failed before answering (reset, hang-up). */
  failed(): void;
}

/** A response head from raw header pairs, minus the hop-by-hop fields (kept: those the upgrade needs). */
function formatHead(statusLine: string, res: IncomingMessage, upgrade: boolean): string {
  const drop = new Set(hopHeaderNames(res.headers, upgrade));
  if (!upgrade) for (const name of ['connection', 'content-length', 'transfer-encoding']) drop.add(name);
  const lines = [statusLine];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i] ?? '';
    if (!drop.has(name.toLowerCase())) lines.push(`${name}: ${res.rawHeaders[i + 1] ?? ''}`);
  }
  if (!upgrade) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Sends the client's websocket handshake over the dialed connection with exactly the request
 * target that was decided (req.url), then either relays a verified 101 and pipes both ways, or
 * relays a refusal (any other status) and ends. The client's early bytes (`head`) go upstream
 * only after the 101 is verified: before, they could be a second request nobody decided.
 */
export function relayWebSocket(
  req: IncomingMessage,
  client: Socket,
  head: Buffer,
  upstream: Socket,
  events: WebSocketRelayEvents,
): void {
  // The first outcome wins: a parse error on bytes after a refused 101 must not cut off the 502.
  let settled = false;
  const settle = (outcome: () => void): void => {
    if (settled) return;
    settled = true;
    outcome();
  };
  const out = request({
    agent: new SingleSocketAgent(upstream),
    method: 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    setHost: false,
  });
  out.on('upgrade', (res: IncomingMessage, socket: Socket, upgradeHead: Buffer) => {
    const wrong = checkUpgradeAnswer(req.headers, res);
    if (wrong !== null) {
      settle(() => events.protocolError(wrong));
      return;
    }
    settled = true;
    // Node's client lets go of the socket's errors once it has switched.
    socket.on('error', () => events.failed());
    client.write(formatHead('HTTP/1.1 101 Switching Protocols', res, true));
    if (upgradeHead.length > 0) client.write(upgradeHead);
    if (head.length > 0) socket.write(head);
    socket.pipe(client);
    client.pipe(socket);
  });
  out.on('response', (res: IncomingMessage) => {
    // A 101 Node did not take as an upgrade (no Upgrade/Connection fields) is still a switch.
    if (res.statusCode === 101) {
      settle(() => events.protocolError('a 101 without Upgrade and Connection fields'));
      return;
    }
    settle(() => {
      client.write(
        formatHead(`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}`.trimEnd(), res, false),
      );
      // No framing was kept: the body is delimited by the close.
      res.pipe(client);
    });
  });
  out.on('error', () => settle(() => events.failed()));
  out.end();
}
