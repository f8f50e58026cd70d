import net from 'node:net';

/**
 * The upstream every proxy under test forwards to. One server speaks both bench protocols so a single
 * connect-to mapping (or haproxy backend) serves every measurement:
 * - sink: 'S' + 8-byte big-endian length L, then L bytes; the server answers one byte 'K' when all arrived.
 * - echo: any other first byte; everything is echoed back.
 * A leading TLS record (the ClientHello a transparent proxy forwards untouched) is skipped first.
 */
export interface UpstreamServer {
  readonly port: number;
  close(): Promise<void>;
}

const TLS_HANDSHAKE = 0x16;
const SINK = 0x53; // 'S'
const ACK = Buffer.from('K');

type State =
  | { readonly phase: 'start' }
  | { readonly phase: 'skip'; remaining: number }
  | { readonly phase: 'sink'; remaining: number }
  | { readonly phase: 'echo' };

export async function startUpstreamServer(): Promise<UpstreamServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serveSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveSocket(socket: net.Socket): void {
  let state: State = { phase: 'start' };
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    if (state.phase === 'echo') {
      socket.write(chunk);
      return;
    }
    if (state.phase === 'sink') {
      state.remaining -= chunk.length;
      if (state.remaining <= 0) socket.write(ACK);
      return;
    }
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    // Header parsing only happens on the first few bytes; the hot paths above never concatenate.
    for (;;) {
      if (state.phase === 'skip') {
        const skipped = Math.min(state.remaining, pending.length);
        state.remaining -= skipped;
        pending = pending.subarray(skipped);
        if (state.remaining > 0) return;
        state = { phase: 'start' };
      }
      if (state.phase !== 'start' || pending.length === 0) break;
      const first = pending[0];
      if (first === TLS_HANDSHAKE) {
        if (pending.length < 5) return;
        state = { phase: 'skip', remaining: 5 + pending.readUInt16BE(3) };
        continue;
      }
      if (first === SINK) {
        if (pending.length < 9) return;
        const remaining = Number(pending.readBigUInt64BE(1)) - (pending.length - 9);
        state = { phase: 'sink', remaining };
        if (remaining <= 0) socket.write(ACK);
        pending = Buffer.alloc(0);
        return;
      }
      state = { phase: 'echo' };
      socket.write(pending);
      pending = Buffer.alloc(0);
      return;
    }
  });
}
