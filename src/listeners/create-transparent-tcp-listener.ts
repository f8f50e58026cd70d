import { createServer, type Server, type Socket } from 'node:net';
import type { EgressRequest, SocketAddress } from '../egress-request.js';
import { parseClientHello, type HelloOk } from '../net/parse-client-hello.js';
import { sniffProtocol } from '../net/sniff-protocol.js';
import type { EgressContext } from '../proxy/egress-context.js';
import { handleEgress } from '../proxy/handle-egress.js';
import { classifyHello } from './classify-hello.js';
import { createTcpResponder } from './create-tcp-responder.js';
import { createTlsResponder } from './create-tls-responder.js';
import { createTransparentHttpListener } from './create-transparent-http-listener.js';
import type { ListenerOptions } from './listener-options.js';
import { readTransparentDestination, type TransparentOptions } from './transparent-options.js';

export interface TransparentTcpOptions extends TransparentOptions {
  /** How long a client may stay silent before the original destination alone decides. */
  readonly peekTimeoutMs: number;
}

/**
 * Transparent TCP: redirected traffic of any protocol. The first bytes say what it is: a TLS
 * ClientHello is decided on its SNI as the TLS listener does, an HTTP/1 request is handed to an
 * HTTP listener of this listener's own, and anything else (or a client that waits for the server
 * to speak first) is decided on the original destination address and port, against CIDR rules.
 */
export function createTransparentTcpListener(
  ctx: EgressContext,
  options: ListenerOptions,
  transparent: TransparentTcpOptions,
): Server {
  const http = createTransparentHttpListener(ctx, options, transparent, 'transparent-tcp');
  // It never listens itself; 'listening' starts its checks of header and request timeouts.
  http.emit('listening');

  const onConnection = (socket: Socket): void => {
    socket.on('error', () => socket.destroy());
    const client = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const destination = readTransparentDestination(socket, transparent);
    const original = destination.originalDst;
    if (original === null) {
      // Not a redirected connection: there is no destination to decide on or to dial.
      const local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
      const request = tcpRequest(ctx.newId(), client, local, null);
      void handleEgress(
        ctx,
        request,
        socket,
        createTcpResponder(socket, Buffer.alloc(0), options.idleMs, options.nativeRelay),
        'invalid_target',
      );
      return;
    }
    const release = options.pending === undefined ? (): void => undefined : options.pending.admit(socket);
    if (release === null) return;
    const chunks: Buffer[] = [];
    let received = 0;
    let wanted = 1;
    let inHello = false;
    let timer = setTimeout(() => asTcp(), transparent.peekTimeoutMs);

    const stop = (): Buffer => {
      clearTimeout(timer);
      release();
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      socket.pause();
      return Buffer.concat(chunks, received);
    };
    const asTcp = (): void => {
      const bytes = stop();
      const request = tcpRequest(ctx.newId(), client, original, original);
      const responder = createTcpResponder(socket, bytes, options.idleMs, options.nativeRelay);
      void handleEgress(ctx, request, socket, responder, destination.loop ? 'loop' : undefined);
    };
    const asTls = (hello: HelloOk): void => {
      const bytes = stop();
      const { host, denial } = classifyHello(hello, destination.loop);
      const request: EgressRequest = {
        id: ctx.newId(),
        listener: 'transparent-tcp',
        kind: 'tls',
        client,
        host: host ?? original.address,
        port: original.port,
        ...(hello.sni === null ? {} : { sni: hello.sni }),
        originalDst: original,
        ...(hello.ech ? { ech: true } : {}),
      };
      void handleEgress(
        ctx,
        request,
        socket,
        createTlsResponder(socket, bytes, options.idleMs, options.nativeRelay),
        denial,
      );
    };
    const asHttp = (): void => {
      const bytes = stop();
      socket.unshift(bytes);
      http.emit('connection', socket);
      socket.resume();
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < wanted) return;
      const bytes = chunks.length === 1 ? chunk : Buffer.concat(chunks, received);
      const sniffed = sniffProtocol(bytes);
      if (sniffed === 'other') return asTcp();
      if (sniffed === 'http') return asHttp();
      if (sniffed === 'undecided') return;
      if (!inHello) {
        // A hello has begun: it gets the TLS listener's time to arrive whole.
        inHello = true;
        clearTimeout(timer);
        timer = setTimeout(() => asTcp(), options.helloTimeoutMs);
      }
      const result = parseClientHello(bytes, { maxHelloBytes: options.maxHelloBytes });
      if (result.status === 'ok') return asTls(result);
      // 0x16 that is no ClientHello is some other protocol: the address decides.
      if (result.status === 'invalid') return asTcp();
      wanted = received + Math.max(1, result.needBytes ?? 1);
    };
    // A client that sends its request and half-closes (a line protocol) is decided on what it sent.
    const onEnd = (): void => asTcp();
    // A reset before any decision asked for nothing.
    const onClose = (): void => void stop();
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
  };
  const server = createServer({ allowHalfOpen: true, noDelay: true, keepAlive: true }, onConnection);
  server.on('close', () => http.close());
  return server;
}

function tcpRequest(
  id: string,
  client: SocketAddress,
  target: SocketAddress,
  original: SocketAddress | null,
): EgressRequest {
  return {
    id,
    listener: 'transparent-tcp',
    kind: 'tcp',
    client,
    host: target.address,
    port: target.port,
    ...(original === null ? {} : { originalDst: original }),
  };
}
