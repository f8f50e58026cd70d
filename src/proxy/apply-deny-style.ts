import type { Socket } from 'node:net';
import type { DenyStyle } from '../config/serve-config.js';

export interface DenyStyleOptions {
  /**
   * How long a dropped connection is held before egressgate closes it itself. A client with no
   * timeout of its own would otherwise hold a file descriptor forever; the idle timeout is the
   * natural bound.
   */
  readonly holdMs: number;
}

const noop = (): void => undefined;

/**
 * Answers a denial the way the client group's firewall would:
 *  - `forbidden`: the listener's own answer (403 with Proxy-Status, or a TLS access_denied alert);
 *  - `reset`: a TCP RST, what a firewall that rejects actively sends;
 *  - `drop`: nothing at all. What the client sends next is read and discarded, never answered, and
 *    the socket stays open until the client gives up or `holdMs` passes. This is how most
 *    datacenter firewalls behave, and why clients there fail only after their own connect or
 *    identity timeouts (the documents' "60 s with 3 retries").
 */
export function applyDenyStyle(
  socket: Socket,
  style: DenyStyle,
  forbidden: () => void,
  options: DenyStyleOptions,
): void {
  if (style === 'forbidden' || socket.destroyed) {
    forbidden();
    return;
  }
  if (style === 'reset') {
    // resetAndDestroy needs an open TCP handle; anything else can only be closed.
    try {
      socket.resetAndDestroy();
    } catch {
      socket.destroy();
    }
    return;
  }
  holdSilently(socket, options.holdMs);
}

function holdSilently(socket: Socket, holdMs: number): void {
  // Bytes are read and thrown away rather than left unread: only reading lets egressgate see the
  // client's FIN, so a held socket (and its connection slot) is freed as soon as the client gives up.
  socket.on('data', noop);
  // A client that sent its FIN while the decision was awaited has nothing left to hold open.
  if (socket.readableEnded) {
    socket.destroy();
    return;
  }
  socket.once('end', () => socket.destroy());
  // A held socket still reports errors (a client RST); they end the hold, never the process.
  socket.on('error', noop);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), holdMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
