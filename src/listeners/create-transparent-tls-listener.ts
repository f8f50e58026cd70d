import { createServer, type Server, type Socket } from 'node:net';
import type { EgressRequest } from '../egress-request.js';
import { parseClientHello, type HelloOk } from '../net/parse-client-hello.js';
import type { EgressContext } from '../proxy/egress-context.js';
import { handleEgress } from '../proxy/handle-egress.js';
import { classifyHello } from './classify-hello.js';
import { createTlsResponder } from './create-tls-responder.js';
import type { ListenerOptions } from './listener-options.js';
import { readTransparentDestination, type TransparentOptions } from './transparent-options.js';

/**
 * Transparent TLS: reads the ClientHello (across segments and records), decides on its SNI, and
 * replays exactly the bytes read to the upstream. TLS is never terminated or altered. A hello
 * without a usable SNI is decided on CIDR rules for the original destination.
 */
export function createTransparentTlsListener(
  ctx: EgressContext,
  options: ListenerOptions,
  transparent: TransparentOptions,
): Server {
  const onConnection = (socket: Socket): void => {
    socket.on('error', () => socket.destroy());
    const release = options.pending === undefined ? (): void => undefined : options.pending.admit(socket);
    if (release === null) return;
    const destination = readTransparentDestination(socket, transparent);
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => socket.destroy(), options.helloTimeoutMs);

    const finish = (hello: HelloOk | null): void => {
      clearTimeout(timer);
      release();
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      const bytes = Buffer.concat(chunks, received);
      const { host, denial } = classifyHello(hello, destination.loop);
      const original = destination.originalDst;
      const request: EgressRequest = {
        id: ctx.newId(),
        listener: 'transparent-tls',
        kind: 'tls',
        client: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
        host: host ?? original?.address ?? '',
        port: original?.port ?? transparent.destPort,
        ...(hello?.sni == null ? {} : { sni: hello.sni }),
        ...(original === null ? {} : { originalDst: original }),
        ...(hello?.ech === true ? { ech: true } : {}),
      };
      void handleEgress(
        ctx,
        request,
        socket,
        createTlsResponder(socket, bytes, options.idleMs, options.nativeRelay),
        denial,
      );
    };
    // Parse again only once the parser's own estimate of missing bytes has arrived, so a hello
    // trickled in byte by byte costs a few parses, not one per byte.
    let wanted = 1;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < wanted) return;
      const result = parseClientHello(chunks.length === 1 ? chunk : Buffer.concat(chunks, received), {
        maxHelloBytes: options.maxHelloBytes,
      });
      if (result.status === 'ok') finish(result);
      else if (result.status === 'invalid') finish(null);
      else wanted = received + Math.max(1, result.needBytes ?? 1);
    };
    // A client that gives up mid-hello has asked for nothing: no decision to log.
    const onEnd = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
  };
  return createServer({ allowHalfOpen: true, noDelay: true, keepAlive: true }, onConnection);
}
