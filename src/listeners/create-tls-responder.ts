import type { Socket } from 'node:net';
import type { NativeRelay } from '../net/native-relay.js';
import { tunnel } from '../net/tunnel.js';
import { applyDenyStyle } from '../proxy/apply-deny-style.js';
import type { EgressResponder } from '../proxy/egress-responder.js';

// Fatal alert records (RFC 8446 §6): access_denied (49) for a denial, internal_error (80) when the
// upstream cannot be reached. The client's own TLS stack reports them; no handshake is faked.
const accessDenied = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]);
const internalError = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50]);

function sendAlert(socket: Socket, alert: Buffer): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(alert);
  socket.setTimeout(5_000, () => socket.destroy());
}

/** Transparent TLS: a TLS alert for no, the replayed ClientHello and a splice for yes. */
export function createTlsResponder(
  client: Socket,
  hello: Buffer,
  idleMs: number,
  native?: NativeRelay | null,
): EgressResponder {
  return {
    deny(_request, _decision, style) {
      applyDenyStyle(client, style, () => sendAlert(client, accessDenied), { holdMs: idleMs });
    },
    dialFailed() {
      sendAlert(client, internalError);
    },
    relay(_request, connection) {
      return tunnel(client, connection.socket, { firstBytes: hello, idleMs, native });
    },
  };
}
