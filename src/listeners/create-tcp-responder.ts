import type { Socket } from 'node:net';
import type { NativeRelay } from '../net/native-relay.js';
import { tunnel } from '../net/tunnel.js';
import { applyDenyStyle } from '../proxy/apply-deny-style.js';
import type { EgressResponder } from '../proxy/egress-responder.js';

/**
 * A protocol egressgate does not speak: a denial can only close the connection (a FIN for
 * `forbidden`, as a rejecting server would; RST or silence per deny style), a failed dial resets
 * it, and an allowed one is a splice that first replays the bytes already read.
 */
export function createTcpResponder(
  client: Socket,
  firstBytes: Buffer,
  idleMs: number,
  native?: NativeRelay | null,
): EgressResponder {
  return {
    deny(_request, _decision, style) {
      applyDenyStyle(client, style, () => closeClient(client), { holdMs: idleMs });
    },
    dialFailed() {
      try {
        client.resetAndDestroy();
      } catch {
        client.destroy();
      }
    },
    relay(_request, connection) {
      return tunnel(client, connection.socket, { firstBytes, idleMs, native });
    },
  };
}

function closeClient(socket: Socket): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end();
  socket.setTimeout(5_000, () => socket.destroy());
}
