import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import type net from 'node:net';
import { openTunnel, type Route } from './open-tunnel.js';

export interface ThroughputResult {
  readonly bytes: number;
  readonly seconds: number;
  readonly mibPerSecond: number;
  /** How the bytes were written: `dd` processes, or this process's event loop. */
  readonly writer: 'dd' | 'node';
}

const CHUNK = Buffer.alloc(4 * 1024 * 1024, 0x61);
const DD = '/usr/bin/dd';

/**
 * Pushes `bytes` through `streams` tunnels at once to the sink and waits for every acknowledgement, so
 * the clock stops only when the last byte has crossed the proxy. Each tunnel's payload is written by
 * its own `dd` process straight into the socket (4 MiB writes, no event loop in the way), so the load
 * generator is not what a proxy is measured against; BENCH_WRITER=node writes from this process.
 */
export async function measureThroughput(
  route: Route,
  hello: Buffer | null,
  bytes: number,
  streams: number,
): Promise<ThroughputResult> {
  const writer = process.env.BENCH_WRITER !== 'node' && fs.existsSync(DD) ? 'dd' : 'node';
  const per = Math.floor(bytes / streams);
  const sockets = await Promise.all(Array.from({ length: streams }, () => openTunnel(route, hello)));
  try {
    const start = process.hrtime.bigint();
    await Promise.all(sockets.map((socket) => sendThrough(socket, per, writer)));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const total = per * streams;
    return { bytes: total, seconds, mibPerSecond: total / (1024 * 1024) / seconds, writer };
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

async function sendThrough(socket: net.Socket, bytes: number, writer: 'dd' | 'node'): Promise<void> {
  const replies = readReplies(socket);
  const header = Buffer.alloc(9);
  header[0] = 0x53;
  header.writeBigUInt64BE(BigInt(bytes), 1);
  socket.write(header);
  await replies.ready;
  if (writer === 'dd') {
    const dd = spawn(DD, ['if=/dev/zero', 'bs=4M', `count=${bytes}`, 'iflag=count_bytes', 'status=none'], {
      stdio: ['ignore', socket, 'inherit'],
    });
    // spawn pauses a socket it hands to a child; this side must still read the sink's 'K'.
    socket.resume();
    const [code] = (await once(dd, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`dd writer exited with ${code}`);
  } else {
    let left = bytes;
    while (left > 0) {
      const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= piece.length;
      if (!socket.write(piece)) await once(socket, 'drain');
    }
  }
  await replies.acked;
}

/** The sink's 'R' (send now) and 'K' (all arrived), in order. */
function readReplies(socket: net.Socket): { ready: Promise<void>; acked: Promise<void> } {
  let seen = 0;
  let onReady: () => void = () => undefined;
  let onAck: () => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    fail = reject;
  });
  const acked = new Promise<void>((resolve, reject) => {
    onAck = resolve;
    const previous = fail;
    fail = (err) => {
      previous(err);
      reject(err);
    };
  });
  // Whichever promise nobody awaits yet must not become an unhandled rejection.
  ready.catch(() => undefined);
  acked.catch(() => undefined);
  socket.on('data', (chunk: Buffer) => {
    for (const byte of chunk) {
      seen += 1;
      if (byte === 0x52) onReady();
      else if (byte === 0x4b) {
        onReady();
        onAck();
      }
    }
  });
  socket.once('error', (err) => fail(err));
  socket.once('close', () =>
    fail(new Error(`tunnel closed before the sink acknowledged (${seen} bytes back)`)),
  );
  return { ready, acked };
}
