import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EgressRequest, RequestKind } from '../egress-request.js';
import { parseConnectTarget } from '../net/parse-connect-target.js';
import type { EgressContext } from '../proxy/egress-context.js';
import { handleEgress } from '../proxy/handle-egress.js';
import { answerClientError } from './answer-client-error.js';
import { checkUpgradeRequest } from './check-upgrade-request.js';
import { ConnectFront } from './create-connect-front.js';
import { createConnectResponder } from './create-connect-responder.js';
import { createForwardProxy } from './create-forward-proxy.js';
import { createForwardResponder } from './create-forward-responder.js';
import { createProxyHttpServer } from './create-proxy-http-server.js';
import { createSocketQueue } from './create-socket-queue.js';
import type { ListenerOptions } from './listener-options.js';
import { readAbsoluteTarget, type AbsoluteTarget } from './read-absolute-target.js';
import { readProxyUser } from './read-proxy-user.js';
import { sanitizeRawTarget } from './sanitize-raw-target.js';
import { writeRawResponse } from './write-raw-response.js';

const originFormBody =
  'egressgate is a forward proxy: send CONNECT host:port or an absolute URI (GET http://host/path)\n';

function baseRequest(
  ctx: EgressContext,
  socket: Socket,
  headers: IncomingHttpHeaders,
  kind: RequestKind,
  passwords: ReadonlyMap<string, string>,
) {
  const user = readProxyUser(headers, passwords);
  return {
    id: ctx.newId(),
    listener: 'explicit' as const,
    kind,
    client: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    ...(user === undefined ? {} : { user }),
  };
}

/**
 * The upstream gets the origin form and the decided authority as Host (RFC 9112 §3.2.2): a Host
 * field naming another site would reach that site on a shared front end the policy never allowed.
 */
function forwardAs(req: IncomingMessage, target: AbsoluteTarget | null): void {
  if (target === null) return;
  req.url = target.originForm;
  req.headers.host = target.authority;
}

/**
 * The explicit proxy port: CONNECT tunnels, absolute-URI HTTP and websocket upgrades. Nothing
 * else is served here (no admin API, no origin-form requests). A well-formed CONNECT is read by the
 * front (create-connect-front.ts); everything else by the HTTP server behind it.
 */
export function createExplicitListener(ctx: EgressContext, options: ListenerOptions): ConnectFront {
  const { server, connect } = createExplicitServers(ctx, options);
  return new ConnectFront(server, options, (socket, head, rest) =>
    connect(
      socket,
      head.target,
      head.proxyAuthorization === undefined ? {} : { 'proxy-authorization': head.proxyAuthorization },
      rest,
      false,
    ),
  );
}

/** The same port served by Node's HTTP server alone: the reference the front must answer like. */
export function createExplicitHttpServer(ctx: EgressContext, options: ListenerOptions): Server {
  return createExplicitServers(ctx, options).server;
}

/** `queued`: wait for earlier requests on the connection; the front's CONNECT is always the first. */
type StartConnect = (
  socket: Socket,
  url: string,
  headers: IncomingHttpHeaders,
  head: Buffer,
  queued: boolean,
) => void;

function createExplicitServers(
  ctx: EgressContext,
  options: ListenerOptions,
): { server: Server; connect: StartConnect } {
  const proxy = createForwardProxy();
  const enqueue = createSocketQueue();
  const sniCheck =
    options.tunnelSniCheck === true
      ? { helloTimeoutMs: options.helloTimeoutMs, maxHelloBytes: options.maxHelloBytes }
      : undefined;

  const server = createProxyHttpServer(options);

  const connect: StartConnect = (socket, url, headers, head, queued) => {
    const target = parseConnectTarget(url);
    const request: EgressRequest = {
      ...baseRequest(ctx, socket, headers, 'connect', options.passwords),
      host: target?.host ?? sanitizeRawTarget(url),
      port: target?.port ?? 0,
    };
    const responder = createConnectResponder(socket, head, options.idleMs, sniCheck, options.nativeRelay);
    const handle = (): Promise<void> =>
      handleEgress(ctx, request, socket, responder, target === null ? 'invalid_target' : undefined);
    if (queued) enqueue(socket, null, handle);
    else void handle();
  };

  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    connect(socket, req.url ?? '', req.headers, head, true);
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = readAbsoluteTarget(req.url, false);
    if (target === null && (req.url ?? '').startsWith('/')) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end(originFormBody);
      return;
    }
    const request: EgressRequest = {
      ...baseRequest(ctx, req.socket, req.headers, 'http', options.passwords),
      host: target?.host ?? sanitizeRawTarget(req.url),
      port: target?.port ?? 0,
      ...(target === null ? {} : { path: target.path }),
    };
    forwardAs(req, target);
    const responder = createForwardResponder(proxy, req, { res }, options.idleMs);
    enqueue(req.socket, res, () =>
      handleEgress(ctx, request, req.socket, responder, target === null ? 'invalid_target' : undefined),
    );
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const target = readAbsoluteTarget(req.url, true);
    if (target === null && (req.url ?? '').startsWith('/')) {
      writeRawResponse(socket, 400, 'Bad Request', originFormBody);
      return;
    }
    const refused = checkUpgradeRequest(req);
    if (refused !== null) {
      // Queued like any request: the refusal must not overtake answers pipelined before it.
      enqueue(socket, null, () => {
        writeRawResponse(socket, refused.status, refused.statusText, refused.body, refused.headers);
        return Promise.resolve();
      });
      return;
    }
    const request: EgressRequest = {
      ...baseRequest(ctx, req.socket, req.headers, 'upgrade', options.passwords),
      host: target?.host ?? sanitizeRawTarget(req.url),
      port: target?.port ?? 0,
      ...(target === null ? {} : { path: target.path }),
    };
    forwardAs(req, target);
    const responder = createForwardResponder(proxy, req, { socket, head }, options.idleMs);
    enqueue(socket, null, () =>
      handleEgress(ctx, request, socket, responder, target === null ? 'invalid_target' : undefined),
    );
  });

  server.on('clientError', answerClientError);
  return { server, connect };
}
