import type { Socket } from 'node:net';

/** Called once a socket has stopped being pending (handed on, timed out or closed); idempotent. */
export type ReleasePending = () => void;

export interface PendingConnections {
  /** Counts the socket as pending, or closes it at once and returns null when the cap is reached. */
  admit(socket: Socket): ReleasePending | null;
  readonly count: () => number;
}

export interface PendingConnectionsDeps {
  readonly max: number;
  /** Called for every refused socket (metrics and a rate-limited log line are the caller's choice). */
  readonly onReject: (socket: Socket) => void;
}

/**
 * Caps sockets that were accepted but have not sent a complete request yet, across listeners: each
 * one may hold a partial ClientHello or header section, so without a cap memory grows with idle sockets.
 */
export function createPendingConnections(deps: PendingConnectionsDeps): PendingConnections {
  let pending = 0;
  return {
    admit(socket) {
      if (pending >= deps.max) {
        deps.onReject(socket);
        socket.destroy();
        return null;
      }
      pending += 1;
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        pending -= 1;
      };
      // A socket that closes before it is handed on must not keep its slot.
      socket.once('close', release);
      return release;
    },
    count: () => pending,
  };
}
