import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { pollUntil } from '../faults/leak-check.js';
import { rawExchange } from '../support/raw-exchange.js';
import { startHttpUpstream, startTcpUpstream } from '../support/start-upstream.js';
import { startTestApp } from '../support/start-test-app.js';
import { useGate } from '../support/use-gate.js';

// An upstream that takes requests and never answers: every forward stays in flight.
const silentSockets = new Set<Socket>();

const fx = useGate(
  {
    silent: () =>
      startTcpUpstream((socket) => {
        silentSockets.add(socket);
        socket.on('data', () => undefined);
        socket.on('error', () => undefined);
        // The test server is allowHalfOpen: close when egressgate does.
        socket.once('end', () => socket.destroy());
        socket.once('close', () => silentSockets.delete(socket));
      }),
    answering: () => startHttpUpstream('plain'),
  },
  ({ silent, answering }) => ({
    transparentHttp: ['127.0.0.1:0'],
    connectTo: [
      `plain.example.test::127.0.0.1:${answering.port}`,
      `ws.example.test::127.0.0.1:${silent.port}`,
    ],
  }),
);

function pipeline(host: string, count: number, absolute: boolean): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    const target = absolute ? `http://${host}/allowed/${i}` : `/allowed/${i}`;
    text += `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${i === count - 1 ? 'Connection: close\r\n' : ''}\r\n`;
  }
  return text;
}

describe('pipelined requests on one client connection', () => {
  it.each([
    ['explicit', true],
    ['transparent-http', false],
  ] as const)(
    '%s: are handled one at a time, and a client that leaves frees every slot',
    async (listener, absolute) => {
      const port =
        listener === 'explicit'
          ? fx.gate.addresses.listen.port
          : (fx.gate.addresses.transparentHttp[0]?.port ?? 0);
      const before = fx.silent.connections();
      const decisions = fx.gate.lines.length;
      const client = connect({ host: '127.0.0.1', port }, () =>
        client.write(pipeline('ws.example.test', 20, absolute)),
      );
      client.on('error', () => undefined);
      // The first request reached the silent upstream: the other 19 are queued behind it.
      await pollUntil(
        () => fx.silent.connections() - before,
        (n) => n >= 1,
      );
      client.destroy();
      await pollUntil(
        () => silentSockets.size,
        (n) => n === 0,
      );
      // Before the fix: 20 upstream connections at once, and 19 connection slots never released.
      expect(
        await pollUntil(
          () => fx.gate.app.activeConnections(),
          (n) => n === 0,
        ),
      ).toBe(0);
      expect(fx.silent.connections() - before).toBe(1);
      const allowed = fx.gate.lines
        .slice(decisions)
        .filter((l) => l['msg'] === 'decision' && l['listener'] === listener);
      expect(allowed).toHaveLength(1);
    },
  );

  it.each([
    ['explicit', true],
    ['transparent-http', false],
  ] as const)('%s: every pipelined request is still answered, in order', async (listener, absolute) => {
    const port =
      listener === 'explicit'
        ? fx.gate.addresses.listen.port
        : (fx.gate.addresses.transparentHttp[0]?.port ?? 0);
    const reply = (await rawExchange(port, pipeline('plain.example.test', 5, absolute))).toString('latin1');
    const order = [...reply.matchAll(/hello from plain GET \/allowed\/(\d)/g)].map((m) => m[1]);
    expect(order).toEqual(['0', '1', '2', '3', '4']);
  });

  it('explicit: a request behind a silently dropped denial is never dialed, and the client leaving frees every slot', async () => {
    const dropping = await startTestApp({
      denyStyle: 'drop',
      connectTo: [`plain.example.test::127.0.0.1:${fx.answering.port}`],
    });
    try {
      const before = fx.answering.connections();
      const client = connect({ host: '127.0.0.1', port: dropping.addresses.listen.port }, () =>
        client.write(
          'GET http://evil.example.test/ HTTP/1.1\r\nHost: evil.example.test\r\n\r\n' +
            pipeline('plain.example.test', 1, true),
        ),
      );
      client.on('error', () => undefined);
      await dropping.waitForLine((l) => l['msg'] === 'decision' && l['decision'] === 'deny');
      // Bounded wait for the dial a concurrent handler would make; handled in order, none comes.
      await pollUntil(
        () => fx.answering.connections() - before,
        (n) => n >= 1,
        1_000,
      );
      client.destroy();
      expect(
        await pollUntil(
          () => dropping.app.activeConnections(),
          (n) => n === 0,
        ),
      ).toBe(0);
      expect(fx.answering.connections() - before).toBe(0);
    } finally {
      await dropping.stop();
    }
  });
});
