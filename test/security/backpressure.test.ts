import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTcpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

// A client that never reads while its upstream sends as fast as it can: egressgate must stop
// reading the upstream (TCP backpressure), not buffer the stream in its own memory.
const total = 96 * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 0x61);
const stallMs = 1_000;

interface Pump {
  /** 'stalled' once writes wait for a drain that does not come; 'finished' if everything was taken. */
  readonly outcome: Promise<{ readonly state: 'stalled' | 'finished'; readonly written: number }>;
}

let onPump: (pump: Pump) => void = () => undefined;

/** After the first bytes from egressgate: an optional answer head, then `total` bytes. */
function startPump(socket: Socket, head: string): Pump {
  let written = 0;
  const outcome = new Promise<{ state: 'stalled' | 'finished'; written: number }>((resolve) => {
    const pump = (): void => {
      while (written < total) {
        written += chunk.length;
        if (!socket.write(chunk)) {
          const timer = setTimeout(() => resolve({ state: 'stalled', written }), stallMs);
          socket.once('drain', () => {
            clearTimeout(timer);
            pump();
          });
          return;
        }
      }
      resolve({ state: 'finished', written });
    };
    socket.write(head);
    pump();
  });
  return { outcome };
}

const fx = useGate(
  {
    upstream: () =>
      startTcpUpstream((socket) => {
        socket.on('error', () => undefined);
        socket.once('data', (first: Buffer) => {
          const text = first.toString('latin1');
          const head = text.startsWith('GET /socket')
            ? 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
              // RFC 6455's sample key and its accept: egressgate refuses a 101 without the right one.
              'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n'
            : text.startsWith('GET ')
              ? `HTTP/1.1 200 OK\r\nContent-Length: ${total}\r\n\r\n`
              : '';
          onPump(startPump(socket, head));
        });
      }),
  },
  ({ upstream }) => ({
    connectTo: [
      `allowed.example.test::127.0.0.1:${upstream.port}`,
      `plain.example.test::127.0.0.1:${upstream.port}`,
    ],
  }),
);

/** A client that writes `request`, reads the first chunk and then never reads again. */
async function stalledClient(request: string): Promise<Socket> {
  const client = connect({ host: '127.0.0.1', port: fx.gate.addresses.listen.port });
  client.on('error', () => undefined);
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  client.write(request);
  await new Promise<void>((resolve) => client.once('data', () => resolve()));
  client.pause();
  return client;
}

describe('a client that never reads holds its upstream back', () => {
  it.each([
    ['a CONNECT tunnel', 'CONNECT allowed.example.test:443 HTTP/1.1\r\n\r\nhello'],
    ['an absolute-URI response', 'GET http://plain.example.test/allowed/big HTTP/1.1\r\n\r\n'],
    [
      'a websocket',
      'GET http://plain.example.test/socket HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    ],
  ])('%s', async (_what, request) => {
    const started = new Promise<Pump>((resolve) => (onPump = resolve));
    const before = process.memoryUsage().rss;
    const client = await stalledClient(request);
    try {
      const { state, written } = await (await started).outcome;
      // Kernel socket buffers on both hops hold a few MiB; egressgate itself only its stream buffers.
      expect(state).toBe('stalled');
      expect(written).toBeLessThan(48 * 1024 * 1024);
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    } finally {
      client.destroy();
    }
  });
});
