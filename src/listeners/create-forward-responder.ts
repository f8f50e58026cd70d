import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type HttpProxy from 'http-proxy';
import type { EgressRequest } from '../egress-request.js';
import type { Connection } from '../net/create-dialer.js';
import type { CloseReason } from '../net/close-reason.js';
import { formatHostPort } from '../address/format-host-port.js';
import { applyDenyStyle } from '../proxy/apply-deny-style.js';
import type { EgressResponder } from '../proxy/egress-responder.js';
import type { Tunnel } from '../net/tunnel.js';
import {
  describeDenial,
  describeDialFailure,
  describeProtocolError,
  describeResponseTimeout,
  type HttpAnswer,
} from './describe-denial.js';
import { relayWebSocket } from './relay-websocket.js';
import { SingleSocketAgent } from './single-socket-agent.js';
import { stripHopHeaders } from './strip-hop-headers.js';
import { writeRawResponse } from './write-raw-response.js';

function targetUrl(request: EgressRequest): string {
  return `http://${formatHostPort(request.host, request.port)}`;
}

function answer(res: ServerResponse, a: HttpAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(a.status, a.statusText, { ...a.headers, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(a.body);
}

function forwardWeb(
  proxy: HttpProxy,
  req: IncomingMessage,
  res: ServerResponse,
  request: EgressRequest,
  connection: Connection,
  idleMs: number,
): Tunnel {
  let reason: CloseReason | null = null;
  // The client may have left while the upstream was being dialed: its 'close' is already past.
  if (req.socket.destroyed) {
    connection.socket.destroy();
    return { done: Promise.resolve('client_closed'), close: () => undefined };
  }
  const done = new Promise<CloseReason>((resolve) => {
    res.once('close', () => {
      connection.socket.destroy();
      resolve(reason ?? (res.writableFinished ? 'upstream_closed' : 'client_closed'));
    });
  });
  const agent = new SingleSocketAgent(connection.socket);
  // http-proxy's proxyTimeout aborts the request as if the upstream had hung up; the socket's own
  // 'timeout' tells an upstream that never answered (504) from one that closed (502).
  let timedOut = false;
  connection.socket.once('timeout', () => (timedOut = true));
  proxy.web(req, res, { target: targetUrl(request), agent, proxyTimeout: idleMs }, (err) => {
    reason ??= 'error';
    const message = err instanceof Error ? err.message : 'upstream failed';
    answer(
      res,
      timedOut
        ? describeResponseTimeout(request, idleMs)
        : describeDialFailure(request, 'connection_terminated', message),
    );
  });
  return {
    done,
    close(why) {
      reason ??= why;
      res.destroy();
      connection.socket.destroy();
    },
  };
}

function forwardUpgrade(
  req: IncomingMessage,
  client: Socket,
  head: Buffer,
  request: EgressRequest,
  connection: Connection,
  idleMs: number,
): Tunnel {
  let reason: CloseReason | null = null;
  const upstream = connection.socket;
  const close = (why: CloseReason): void => {
    reason ??= why;
    client.destroy();
    upstream.destroy();
  };
  const done = new Promise<CloseReason>((resolve) => {
    let closed = 0;
    const onClose = (): void => {
      close(client.closed ? 'client_closed' : 'upstream_closed');
      if (++closed === 2) resolve(reason ?? 'client_closed');
    };
    for (const socket of [client, upstream]) {
      // A side that closed while the upstream was being dialed has already emitted its 'close'.
      if (socket.closed) onClose();
      else socket.once('close', onClose);
    }
  });
  // Websockets never half-close TCP: a client FIN (even before the upgrade answer) ends it.
  client.once('end', () => close('client_closed'));
  upstream.once('end', () => (reason ??= 'upstream_closed'));
  client.setTimeout(idleMs, () => close('idle_timeout'));
  stripHopHeaders(req.headers, true);
  relayWebSocket(req, client, head, upstream, {
    protocolError(why) {
      // The client is told (502, RFC 9209 http_protocol_error) and nothing the upstream sent after
      // its answer reaches it.
      reason ??= 'upstream_protocol_error';
      upstream.destroy();
      const a = describeProtocolError(request, why);
      writeRawResponse(client, a.status, a.statusText, a.body, a.headers);
    },
    failed: () => close('error'),
  });
  return { done, close };
}

/** Plain HTTP and websocket upgrades: forwarded with http-proxy over the dialed connection. */
export function createForwardResponder(
  proxy: HttpProxy,
  req: IncomingMessage,
  client: { readonly res: ServerResponse } | { readonly socket: Socket; readonly head: Buffer },
  idleMs: number,
): EgressResponder {
  const socket = 'res' in client ? client.res.socket : client.socket;
  return {
    deny(request, decision, style) {
      const a = describeDenial(request, decision);
      const forbidden = (): void => {
        if ('res' in client) answer(client.res, a);
        else writeRawResponse(client.socket, a.status, a.statusText, a.body, a.headers);
      };
      if (socket === null || decision.reason === 'invalid_target') forbidden();
      else applyDenyStyle(socket, style, forbidden, { holdMs: idleMs });
    },
    dialFailed(request, code, message) {
      const a = describeDialFailure(request, code, message);
      if ('res' in client) answer(client.res, a);
      else writeRawResponse(client.socket, a.status, a.statusText, a.body, a.headers);
    },
    relay(request, connection) {
      return 'res' in client
        ? forwardWeb(proxy, req, client.res, request, connection, idleMs)
        : forwardUpgrade(req, client.socket, client.head, request, connection, idleMs);
    },
  };
}
