import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/**
 * The upstream every proxy under test forwards to. One server speaks both bench protocols so a single
 * connect-to mapping (or haproxy backend) serves every measurement:
 * - sink: 'S' + 8-byte big-endian length L; the server answers 'R' (ready), the client sends L bytes,
 *   the server answers 'K' when all arrived. Unless BENCH_SINK=node, `dd` reads the L bytes straight
 *   from the socket into /dev/null: the sink must not be what limits a tunnel (issue 10).
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
const READY = Buffer.from('R');
const DD = '/usr/bin/dd';
const nativeSink = process.env.BENCH_SINK !== 'node' && fs.existsSync(DD);

/** Node's stream handle: readStop() keeps Node from reading a socket it hands on (pause() does not). */
interface ReadableHandle {
  readStop(): number;
}

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
        const length = Number(pending.readBigUInt64BE(1));
        const remaining = length - (pending.length - 9);
        pending = Buffer.alloc(0);
        if (remaining === length && length > 0 && nativeSink && sinkNatively(socket, length)) return;
        state = { phase: 'sink', remaining };
        socket.write(remaining <= 0 ? ACK : READY);
        return;
      }
      state = { phase: 'echo' };
      socket.write(pending);
      pending = Buffer.alloc(0);
      return;
    }
  });
}

/**
 * Hands the socket to a shell that answers 'R', reads the payload with dd into /dev/null and answers
 * 'K'. This process stops reading first and lets go of its descriptor at once: Node would otherwise
 * read ahead into the payload. False where the socket cannot be handed on.
 */
function sinkNatively(socket: net.Socket, length: number): boolean {
  const handle = (socket as unknown as { _handle?: Partial<ReadableHandle> | null })._handle;
  if (typeof handle?.readStop !== 'function') return false;
  socket.pause();
  handle.readStop();
  const read = `${DD} of=/dev/null bs=1M count=${length} iflag=count_bytes,fullblock status=none`;
  const child = spawn('/bin/sh', ['-c', `printf R && ${read} && printf K`], {
    stdio: [socket, socket, 'inherit'],
  });
  child.on('error', () => undefined);
  // The child holds its own copies of the descriptor: closing this one leaves the connection open.
  socket.destroy();
  return true;
}
