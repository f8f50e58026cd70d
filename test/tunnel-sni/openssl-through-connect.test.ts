import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startTcpUpstream, type Upstream } from '../support/start-upstream.js';

let received: number[] = [];
let upstream: Upstream;
let gate: TestApp;

beforeAll(async () => {
  // Not a TLS server: what matters is whether the ClientHello reaches it at all.
  upstream = await startTcpUpstream((socket: Socket) => {
    let bytes = 0;
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => {
      bytes += c.length;
      socket.end('not tls\n');
    });
    socket.once('end', () => socket.destroy());
    socket.once('close', () => received.push(bytes));
  });
  gate = await startTestApp({ connectTo: [`allowed.example.test::127.0.0.1:${upstream.port}`] });
});

afterAll(async () => {
  await gate.stop();
  await upstream.close();
});

function sClient(servername: string): Promise<unknown> {
  const proxy = `127.0.0.1:${gate.addresses.listen.port}`;
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
    const closes = gate.lines.filter((l) => l['msg'] === 'close').length;
    await sClient('denied.example.test');
    await gate.waitForLine(() => gate.lines.filter((l) => l['msg'] === 'close').length > closes);
    await expect.poll(() => received.length).toBe(1);
    expect(received).toEqual([0]);
    expect(gate.lines.filter((l) => l['msg'] === 'decision').at(-1)).toMatchObject({
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
