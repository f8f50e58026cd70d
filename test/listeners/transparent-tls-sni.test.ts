import { connect, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClientHello } from '../net/client-hello-builder.js';
import { rawExchange } from '../support/raw-exchange.js';
import { startTcpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

const accessDenied = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]);
let received: Buffer[] = [];
let tlsPort: number;

// The test profile opens 127.0.0.3/32 on 443 by CIDR: an IP literal SNI could reach it.
const fx = useGate(
  {
    upstream: () =>
      startTcpUpstream((socket: Socket) => {
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => {
          chunks.push(c);
          socket.write('ok');
        });
        socket.on('error', () => undefined);
        socket.once('end', () => socket.destroy());
        socket.once('close', () => received.push(Buffer.concat(chunks)));
      }),
  },
  ({ upstream }) => ({
    transparentTls: ['127.0.0.1:0'],
    connectTo: [`allowed.example.test::127.0.0.1:${upstream.port}`],
  }),
);

beforeAll(() => {
  tlsPort = fx.gate.addresses.transparentTls[0]?.port ?? 0;
});

function lastDecision(): Record<string, unknown> | undefined {
  return fx.gate.lines.filter((l) => l['msg'] === 'decision').at(-1);
}

/** Sends `bytes`, waits for the first answer from the upstream, then hangs up. */
function throughTunnel(bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: tlsPort }, () => socket.write(bytes));
    socket.once('data', (c: Buffer) => {
      socket.end();
      socket.once('close', () => resolve(c.toString('latin1')));
    });
    socket.once('error', reject);
  });
}

describe('transparent TLS: an IP address as SNI is ip_sni in every spelling', () => {
  it.each(['127.0.0.3', '127.0.0.3.', '2130706435', '0x7f.0.0.3', '127.3', '0177.0.0.3'])(
    'SNI %s',
    async (sni) => {
      const reply = await rawExchange(tlsPort, buildClientHello({ sni }));
      expect(reply).toEqual(accessDenied);
      expect(lastDecision()).toMatchObject({ decision: 'deny', reason: 'ip_sni', sni });
    },
  );
});

describe('transparent TLS: what is decided is what the upstream gets', () => {
  it.each(['ALLOWED.Example.TEST', 'allowed.example.test.'])(
    'SNI %s is decided as allowed.example.test and replayed byte for byte',
    async (sni) => {
      received = [];
      const hello = buildClientHello({ sni });
      expect(await throughTunnel(hello)).toBe('ok');
      expect(lastDecision()).toMatchObject({ decision: 'allow', host: 'allowed.example.test', sni });
      await fx.gate.waitForLine((l) => l['msg'] === 'close' && l['conn'] === lastDecision()?.['conn']);
      expect(received).toEqual([hello]);
    },
  );

  it('a second ClientHello behind the first is not decided again: the first SNI decides, all bytes pass unchanged', async () => {
    received = [];
    const first = buildClientHello({ sni: 'allowed.example.test' });
    const second = buildClientHello({ sni: 'evil.example.test' });
    expect(await throughTunnel(Buffer.concat([first, second]))).toBe('ok');
    expect(lastDecision()).toMatchObject({ decision: 'allow', host: 'allowed.example.test' });
    await fx.gate.waitForLine((l) => l['msg'] === 'close' && l['conn'] === lastDecision()?.['conn']);
    expect(Buffer.concat(received)).toEqual(Buffer.concat([first, second]));
  });

  it('a denied first hello is never followed by a second look', async () => {
    const before = fx.upstream.connections();
    const denied = buildClientHello({ sni: 'evil.example.test' });
    const allowed = buildClientHello({ sni: 'allowed.example.test' });
    expect(await rawExchange(tlsPort, Buffer.concat([denied, allowed]))).toEqual(accessDenied);
    expect(fx.upstream.connections()).toBe(before);
  });

  it('ECH: decided on the outer (public) name and flagged', async () => {
    const reply = await rawExchange(tlsPort, buildClientHello({ sni: 'evil.example.test', ech: true }));
    expect(reply).toEqual(accessDenied);
    expect(lastDecision()).toMatchObject({ decision: 'deny', host: 'evil.example.test', ech: true });
  });
});
