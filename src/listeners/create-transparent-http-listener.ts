import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EgressRequest, ListenerName, RequestKind } from '../egress-request.js';
import { parseHostPort } from '../net/parse-host-port.js';
import type { EgressContext } from '../proxy/egress-context.js';
import { handleEgress } from '../proxy/handle-egress.js';
import { answerClientError } from './answer-client-error.js';
import { checkUpgradeRequest } from './check-upgrade-request.js';
import { createForwardProxy } from './create-forward-proxy.js';
import { createForwardResponder } from './create-forward-responder.js';
import { createProxyHttpServer } from './create-proxy-http-server.js';
import { createSocketQueue } from './create-socket-queue.js';
import type { ListenerOptions } from './listener-options.js';
import { readOriginForm } from './read-origin-form.js';
import { sanitizeRawTarget } from './sanitize-raw-target.js';
import { readTransparentDestination, type TransparentOptions } from './transparent-options.js';
import { writeRawResponse } from './write-raw-response.js';

/**
 * Transparent HTTP: a redirected client speaks to egressgate as if it were the origin. The Host
 * header names the destination; the original destination port (or DEST_PORT) is the port.
 */
export function createTransparentHttpListener(
  ctx: EgressContext,
  options: ListenerOptions,
  transparent: TransparentOptions,
  // transparent-tcp hands the connections it recognises as HTTP to a server of its own.
  listener: ListenerName = 'transparent-http',
): Server {
  const proxy = createForwardProxy();
  const enqueue = createSocketQueue();

  const toRequest = (
    req: IncomingMessage,
    kind: RequestKind,
  ): { request: EgressRequest; valid: boolean; loop: boolean } => {
    const socket = req.socket;
    const destination = readTransparentDestination(socket, transparent);
    const original = destination.originalDst;
    const hostHeader = req.headers.host;
    const fallbackPort = original?.port ?? transparent.destPort;
    const target = hostHeader === undefined ? null : parseHostPort(hostHeader, fallbackPort);
    const split = readOriginForm(req.url ?? '');
    const request: EgressRequest = {
      id: ctx.newId(),
      listener,
      kind,
      client: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      host: target?.host ?? sanitizeRawTarget(hostHeader),
      port: original?.port ?? target?.port ?? fallbackPort,
      ...(split === null ? {} : { path: split.path }),
      ...(hostHeader === undefined ? {} : { hostHeader }),
      ...(original === null ? {} : { originalDst: original }),
    };
    if (split !== null) req.url = split.originForm;
    return { request, valid: target !== null && split !== null, loop: destination.loop };
  };

  const server = createProxyHttpServer(options);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const { request, valid, loop } = toRequest(req, 'http');
    const responder = createForwardResponder(proxy, req, { res }, options.idleMs);
    enqueue(req.socket, res, () =>
      handleEgress(
        ctx,
        request,
        req.socket,
        responder,
        !valid ? 'invalid_target' : loop ? 'loop' : undefined,
      ),
    );
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refused = checkUpgradeRequest(req);
    if (refused !== null) {
      // Queued like any request: the refusal must not overtake answers pipelined before it.
      enqueue(socket, null, () => {
        writeRawResponse(socket, refused.status, refused.statusText, refused.body, refused.headers);
        return Promise.resolve();
      });
      return;
    }
    const { request, valid, loop } = toRequest(req, 'upgrade');
    const responder = createForwardResponder(proxy, req, { socket, head }, options.idleMs);
    enqueue(socket, null, () =>
      handleEgress(ctx, request, socket, responder, !valid ? 'invalid_target' : loop ? 'loop' : undefined),
    );
  });
  server.on('clientError', answerClientError);
  return server;
}
