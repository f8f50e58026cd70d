import type { Socket } from 'node:net';
import type { CloseReason } from '../observe/recorder.js';

export interface TunnelOptions {
  /** Bytes already read from the client (CONNECT head, a replayed ClientHello) to send first. */
  readonly firstBytes: Buffer;
  readonly idleMs: number;
}

export interface Tunnel {
  /** Settles once both sockets are closed, with why the tunnel ended. */
  readonly done: Promise<CloseReason>;
  /** Ends the tunnel from outside (drain, reload). */
  close(reason: CloseReason): void;
}

/**
 * Splices two connected sockets. pipe() carries backpressure and half-close (both sockets are
 * allowHalfOpen); byte counts come from the sockets' own counters, so the hot path allocates nothing.
 */
export function tunnel(client: Socket, upstream: Socket, options: TunnelOptions): Tunnel {
  let reason: CloseReason | null = null;
  let closed = 0;
  let settle: (reason: CloseReason) => void = () => undefined;
  const done = new Promise<CloseReason>((resolve) => {
    settle = resolve;
  });

  const end = (why: CloseReason): void => {
    reason ??= why;
    client.destroy();
    upstream.destroy();
  };
  const onClosed = (): void => {
    closed++;
    reason ??= client.closed ? 'client_closed' : 'upstream_closed';
    // One side gone for good means the tunnel is over: nothing more can cross it.
    client.destroy();
    upstream.destroy();
    if (closed === 2) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      settle(reason ?? 'client_closed');
    }
  };

  client.once('end', () => (reason ??= 'client_closed'));
  upstream.once('end', () => (reason ??= 'upstream_closed'));
  // A reset or a write into a socket the peer already closed is that side closing, not a fault.
  const closedBy = (side: 'client_closed' | 'upstream_closed') => (err: NodeJS.ErrnoException) =>
    end(err.code === 'ECONNRESET' || err.code === 'EPIPE' ? side : 'error');
  client.on('error', closedBy('client_closed'));
  upstream.on('error', closedBy('upstream_closed'));
  for (const socket of [client, upstream]) {
    // A socket that closed while the dial was under way has already emitted its 'close'.
    if (socket.closed) onClosed();
    else socket.once('close', onClosed);
  }
  client.setTimeout(options.idleMs, () => end('idle_timeout'));

  if (options.firstBytes.length > 0) upstream.write(options.firstBytes);
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
  return { done, close: end };
}
