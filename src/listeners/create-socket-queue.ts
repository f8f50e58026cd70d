import type { Socket } from 'node:net';

/** Runs `handle` once every earlier request of the same client connection has been handled. */
export type SocketQueue = (socket: Socket, handle: () => Promise<void>) => void;

/**
 * One request at a time per client connection. Node's HTTP server emits every pipelined request at
 * once and only orders the answers, so handled concurrently, one connection could open an upstream
 * connection (and take a connection slot) per pipelined request; and an answer still queued behind
 * another never emits 'close' when the client leaves, so its slot and upstream socket were never
 * freed. A request whose client has left by its turn is not handled at all.
 */
export function createSocketQueue(): SocketQueue {
  const tails = new WeakMap<Socket, Promise<void>>();
  return (socket, handle) => {
    const previous = tails.get(socket);
    const run = (): Promise<void> => (socket.destroyed ? Promise.resolve() : handle());
    // A failed request must not stall the ones behind it.
    const next = (previous === undefined ? handle() : previous.then(run)).catch(() => undefined);
    tails.set(socket, next);
    void next.finally(() => {
      if (tails.get(socket) === next) tails.delete(socket);
    });
  };
}
