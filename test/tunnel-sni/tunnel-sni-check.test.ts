import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientHello } from '../net/client-hello-builder.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startTcpUpstream, type Upstream } from '../support/start-upstream.js';

let received: Buffer[] = [];
let upstream: Upstream;
let gate: TestApp;
let gateOff: TestApp;

beforeAll(async () => {
  upstream = await startTcpUpstream((socket: Socket) => {
    const chunks: Buffer[] = [];
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      socket.write('ok');
    });
    socket.once('end', () => socket.destroy());
    socket.once('close', () => received.push(Buffer.concat(chunks)));
  });
  const connectTo = [
    `allowed.example.test::127.0.0.1:${upstream.port}`,
    `management.azure.com::127.0.0.1:${upstream.port}`,
  ];
  gate = await startTestApp({ connectTo });
  gateOff = await startTestApp({ connectTo, tunnelSniCheck: false });
});

afterAll(async () => {
  await gate.stop();
  await gateOff.stop();
  await upstream.close();
});

/** CONNECTs, sends `bytes` (in two pieces when split), returns the upstream's answer or '' on close. */
function throughConnect(app: TestApp, target: string, bytes: Buffer, split = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: app.addresses.listen.port }, () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`),
    );
    let text = '';
    let established = false;
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (!established && text.includes('\r\n\r\n')) {
        established = true;
        expect(text).toMatch(/^HTTP\/1\.1 200 /);
        text = '';
        if (split) {
          socket.write(bytes.subarray(0, 20));
          setImmediate(() => socket.write(bytes.subarray(20)));
        } else socket.write(bytes);
      } else if (established && text.length > 0) socket.end();
    });
    socket.once('close', () => resolve(text));
    socket.once('error', reject);
  });
}

async function settled(app: TestApp, count: number): Promise<void> {
  while (app.lines.filter((l) => l['msg'] === 'close').length < count)
    await new Promise((r) => setImmediate(r));
}

describe('tunnelSniCheck: a ClientHello inside a CONNECT to 443 is decided by its SNI', () => {
  it('an SNI for a denied name is refused before a byte reaches the upstream, and logged with sni', async () => {
    received = [];
    const closes = gate.lines.filter((l) => l['msg'] === 'close').length;
    const hello = buildClientHello({ sni: 'denied.example.test' });
    expect(await throughConnect(gate, 'allowed.example.test:443', hello)).toBe('');
    await settled(gate, closes + 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(received.every((b) => b.length === 0)).toBe(true);
    const deny = gate.lines.filter((l) => l['msg'] === 'decision').at(-1);
    expect(deny).toMatchObject({ decision: 'deny', reason: 'no_matching_rule', sni: 'denied.example.test' });
  });

  it('a hello split across segments is read whole and refused too', async () => {
    received = [];
    const hello = buildClientHello({ sni: 'denied.example.test' });
    expect(await throughConnect(gate, 'allowed.example.test:443', hello, true)).toBe('');
    const deny = gate.lines.filter((l) => l['msg'] === 'decision').at(-1);
    expect(deny).toMatchObject({ decision: 'deny', sni: 'denied.example.test' });
  });

  it.each(['allowed.example.test', 'ALLOWED.example.test.', 'management.azure.com'])(
    'SNI %s (the same name, or another allowed one) passes byte for byte',
    async (sni) => {
      received = [];
      const closes = gate.lines.filter((l) => l['msg'] === 'close').length;
      const hello = buildClientHello({ sni });
      expect(await throughConnect(gate, 'allowed.example.test:443', hello)).toBe('ok');
      await settled(gate, closes + 1);
      expect(received).toContainEqual(hello);
    },
  );

  it('bytes that are not TLS are tunnelled as before', async () => {
    received = [];
    expect(await throughConnect(gate, 'allowed.example.test:443', Buffer.from('SSH-2.0-test\r\n'))).toBe(
      'ok',
    );
  });

  it('with tunnelSniCheck: false the inner name is not checked', async () => {
    const hello = buildClientHello({ sni: 'denied.example.test' });
    expect(await throughConnect(gateOff, 'allowed.example.test:443', hello)).toBe('ok');
  });
});
