import { once } from 'node:events';
import type net from 'node:net';
import { openTunnel, type Route } from './open-tunnel.js';

export interface ThroughputResult {
  readonly bytes: number;
  readonly seconds: number;
  readonly mibPerSecond: number;
}

const CHUNK = Buffer.alloc(1024 * 1024, 0x61);

/**
 * Pushes `bytes` through one tunnel to the sink and waits for its acknowledgement, so the clock stops only
 * when the last byte has crossed the proxy. One reusable 1 MiB buffer, honouring backpressure.
 */
export async function measureThroughput(
  route: Route,
  hello: Buffer | null,
  bytes: number,
): Promise<ThroughputResult> {
  const socket = await openTunnel(route, hello);
  try {
    const acked = waitForAck(socket);
    const header = Buffer.alloc(9);
    header[0] = 0x53;
    header.writeBigUInt64BE(BigInt(bytes), 1);
    const start = process.hrtime.bigint();
    socket.write(header);
    let left = bytes;
    while (left > 0) {
      const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= piece.length;
      if (!socket.write(piece)) await once(socket, 'drain');
    }
    await acked;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { bytes, seconds, mibPerSecond: bytes / (1024 * 1024) / seconds };
  } finally {
    socket.destroy();
  }
}

function waitForAck(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('data', () => resolve());
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('tunnel closed before the sink acknowledged')));
  });
}
