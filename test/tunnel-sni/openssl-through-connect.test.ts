import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.js';
import { startTcpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

let received: number[] = [];

// Not a TLS server: what matters is whether the ClientHello reaches it at all.
const fx = useGate(
  {
    upstream: () =>
      startTcpUpstream((socket: Socket) => {
        let bytes = 0;
        socket.on('error', () => undefined);
        socket.on('data', (c: Buffer) => {
          bytes += c.length;
          socket.end('not tls\n');
        });
        socket.once('end', () => socket.destroy());
        socket.once('close', () => received.push(bytes));
      }),
  },
  ({ upstream }) => ({ connectTo: [`allowed.example.test::127.0.0.1:${upstream.port}`] }),
);

function sClient(servername: string): Promise<unknown> {
  const proxy = `127.0.0.1:${fx.gate.addresses.listen.port}`;
  const args = [
    's_client',
    '-proxy',
    proxy,
    '-connect',
    'allowed.example.test:443',
    '-servername',
    servername,
  ];
  return runCommand('openssl', args, '');
}

describe('openssl s_client through CONNECT', () => {
  it('-servername of a denied name is refused and the upstream gets no byte', async () => {
    received = [];
    const closes = fx.gate.lines.filter((l) => l['msg'] === 'close').length;
    await sClient('denied.example.test');
    await fx.gate.waitForLine(() => fx.gate.lines.filter((l) => l['msg'] === 'close').length > closes);
    await expect.poll(() => received.length).toBe(1);
    expect(received).toEqual([0]);
    expect(fx.gate.lines.filter((l) => l['msg'] === 'decision').at(-1)).toMatchObject({
      decision: 'deny',
      reason: 'no_matching_rule',
      sni: 'denied.example.test',
    });
  });

  it('the CONNECT host as -servername reaches the upstream', async () => {
    received = [];
    await sClient('allowed.example.test');
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toBeGreaterThan(0);
  });
});
