import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Runs `handle` once every earlier request of the same client connection has been handled and
 * its answer is closed. CONNECT and upgrades pass no `answer`: they are the last request a
 * connection carries, and their raw answer must not overtake the answers queued before them.
 */
export type SocketQueue = (
  socket: Socket,
  answer: ServerResponse | null,
  handle: () => Promise<void>,
) => void;

/**
 * One request at a time per client connection. Node's HTTP server emits every pipelined request at
 * once and only orders the answers, so handled concurrently, one connection could open an upstream
 * connection (and take a connection slot) per pipelined request; and an answer still queued behind
 * another (a slow one, or a silently dropped denial) never emits 'close' when the client leaves, so
 * its slot and upstream socket were never freed. A request whose client has left by its turn is not
 * handled at all.
 */
export function createSocketQueue(): SocketQueue {
  const tails = new WeakMap<Socket, Promise<void>>();
  return (socket, answer, handle) => {
    // Attached now: the answer of a refusal can close before this request's turn has settled.
    const closed =
      answer === null
        ? Promise.resolve()
        : new Promise<void>((resolve) => answer.once('close', () => resolve()));
    const run = async (): Promise<void> => {
      if (socket.destroyed) return;
      await handle();
      await closed;
    };
    const previous = tails.get(socket);
    // A failed request must not stall the ones behind it.
    const next = (previous === undefined ? run() : previous.then(run)).catch(() => undefined);
    tails.set(socket, next);
    void next.then(() => {
      if (tails.get(socket) === next) tails.delete(socket);
    });
  };
}
