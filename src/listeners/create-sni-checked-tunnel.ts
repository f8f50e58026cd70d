import type { Socket } from 'node:net';
import type { NativeRelay } from '../net/native-relay.js';
import { tunnel, type Tunnel } from '../net/tunnel.js';
import { parseClientHello } from '../net/parse-client-hello.js';
import type { CloseReason } from '../net/close-reason.js';

export interface SniCheckOptions {
  readonly idleMs: number;
  readonly native?: NativeRelay | null | undefined;
  readonly helloTimeoutMs: number;
  readonly maxHelloBytes: number;
  /** true = the hello's name is refused: close before a byte goes upstream. */
  readonly refuse: (sni: string | null) => boolean;
}

/**
 * A CONNECT tunnel that reads the client's first bytes before any reach the upstream: a ClientHello
 * has its SNI checked, anything else is forwarded as is. The bytes are forwarded exactly, first.
 */
export function createSniCheckedTunnel(
  client: Socket,
  upstream: Socket,
  head: Buffer,
  options: SniCheckOptions,
): Tunnel {
  let inner: Tunnel | null = null;
  let onBytes: ((bytesOut: number, bytesIn: number) => void) | null = null;
  let settle: (reason: CloseReason) => void = () => undefined;
  const done = new Promise<CloseReason>((resolve) => {
    settle = resolve;
  });
  const chunks: Buffer[] = head.length > 0 ? [head] : [];
  let received = head.length;
  // A client that says nothing is tunnelled as before; one stuck mid-hello is not let through unchecked.
  const timer = setTimeout(() => (received === 0 ? start() : shut('denied')), options.helloTimeoutMs);

  const stopReading = (): void => {
    clearTimeout(timer);
    client.off('data', onData);
    client.off('close', onClose);
    client.off('end', onClose);
    upstream.off('close', onUpstreamClose);
    client.pause();
  };
  const start = (): void => {
    stopReading();
    inner = tunnel(client, upstream, {
      firstBytes: Buffer.concat(chunks, received),
      idleMs: options.idleMs,
      native: options.native,
    });
    if (onBytes !== null) inner.watchBytes?.(onBytes);
    void inner.done.then(settle);
  };
  const shut = (reason: CloseReason): void => {
    stopReading();
    client.destroy();
    upstream.destroy();
    settle(reason);
  };
  // Only what the client sends first is inspected; a hello split across segments is read whole.
  const inspect = (): void => {
    const result = parseClientHello(Buffer.concat(chunks, received), {
      maxHelloBytes: options.maxHelloBytes,
    });
    if (result.status === 'incomplete') return;
    if (result.status === 'ok' && options.refuse(result.sni)) return shut('denied');
    start();
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    received += chunk.length;
    inspect();
  };
  const onClose = (): void => shut('client_closed');
  // Either side gone before the first bytes: the plain tunnel records it as it always has.
  const onUpstreamClose = (): void => {
    if (inner === null) start();
  };
  if (client.closed || client.destroyed) {
    shut('client_closed');
  } else {
    // Half-open sockets report a client leaving as 'end' first.
    client.on('close', onClose);
    client.on('end', onClose);
    upstream.once('close', onUpstreamClose);
    if (received > 0) inspect();
    if (inner === null && !client.destroyed) client.on('data', onData);
  }

  return {
    done,
    close(reason) {
      if (inner !== null) inner.close(reason);
      else shut(reason);
    },
    // Before the hello is checked no byte has moved; after, the inner tunnel's counters are the ones.
    bytes: () => inner?.bytes?.() ?? { written: upstream.bytesWritten, read: upstream.bytesRead },
    watchBytes(watch) {
      onBytes = watch;
      inner?.watchBytes?.(watch);
    },
  };
}
