import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/net/create-dialer.js';
import { openTunnel } from '../support/open-tunnel.js';
import { buildClientHello } from '../net/client-hello-builder.js';
import { freePort } from '../support/free-port.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startTcpUpstream } from '../support/start-upstream.js';
import { startTestApp } from '../support/start-test-app.js';
import { useGate } from '../support/use-gate.js';

const policies = fileURLToPath(new URL('../faults/policies/', import.meta.url));
const accessDenied = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]);
const localResolver: Resolver = (hostname) =>
  hostname === 'localhost' || hostname === 'self.test'
    ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
    : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));

let ports: { explicit: number; tls: number; http: number; admin: number };

// Bound to loopback, but the only client group is 127.0.0.2: 127.0.0.1 is an unknown client.
const fx = useGate(
  { sink: () => startTcpUpstream((s) => s.once('data', () => s.end('HTTP/1.1 204 No Content\r\n\r\n'))) },
  ({ sink }) => ({
    policies,
    transparentTls: ['127.0.0.1:0'],
    transparentHttp: ['127.0.0.1:0'],
    clientGroups: [{ name: 'second', cidrs: ['127.0.0.2/32'], profiles: ['faults-test'] }],
    connectTo: [`allowed.example.test::127.0.0.1:${sink.port}`],
  }),
  () => ({ resolver: localResolver }),
);

beforeAll(() => {
  ports = {
    explicit: fx.gate.addresses.listen.port,
    tls: fx.gate.addresses.transparentTls[0]?.port ?? 0,
    http: fx.gate.addresses.transparentHttp[0]?.port ?? 0,
    admin: fx.gate.addresses.admin?.port ?? 0,
  };
});

/** Like rawExchange, but from a chosen loopback source address. */
function exchangeFrom(localAddress: string, port: number, data: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => socket.write(data));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks)) : reject(err),
    );
  });
}

const connectAllowed = 'CONNECT allowed.example.test:443 HTTP/1.1\r\n\r\n';
const getAllowed = 'GET http://allowed.example.test/ HTTP/1.1\r\nConnection: close\r\n\r\n';
const hostAllowed = 'GET / HTTP/1.1\r\nHost: allowed.example.test\r\nConnection: close\r\n\r\n';

describe('an unknown client is refused on every listener', () => {
  it('explicit CONNECT, absolute URI, transparent HTTP and TLS all refuse 127.0.0.1 (client_not_allowed)', async () => {
    expect(parseRawResponse(await exchangeFrom('127.0.0.1', ports.explicit, connectAllowed)).status).toBe(
      403,
    );
    expect(parseRawResponse(await exchangeFrom('127.0.0.1', ports.explicit, getAllowed)).status).toBe(403);
    expect(parseRawResponse(await exchangeFrom('127.0.0.1', ports.http, hostAllowed)).status).toBe(403);
    const hello = buildClientHello({ sni: 'allowed.example.test' });
    expect(await exchangeFrom('127.0.0.1', ports.tls, hello)).toEqual(accessDenied);
    expect(fx.sink.connections()).toBe(0);
    const refusals = fx.gate.lines.filter(
      (l) => l['msg'] === 'decision' && l['reason'] === 'client_not_allowed',
    );
    expect(new Set(refusals.map((l) => l['listener']))).toEqual(
      new Set(['explicit', 'transparent-http', 'transparent-tls']),
    );
    expect(refusals.every((l) => l['group'] === null && l['client'] === '127.0.0.1')).toBe(true);
  });

  it('the same requests from the group member 127.0.0.2 get through (the refusal is about the client)', async () => {
    expect(parseRawResponse(await exchangeFrom('127.0.0.2', ports.explicit, getAllowed)).status).toBe(204);
    expect(parseRawResponse(await exchangeFrom('127.0.0.2', ports.http, hostAllowed)).status).toBe(204);
    expect(fx.sink.connections()).toBe(2);
  });
});

describe('the admin API is never served through the proxy', () => {
  it('is served on its own port (the control for the refusals below)', async () => {
    const res = parseRawResponse(
      await exchangeFrom(
        '127.0.0.1',
        ports.admin,
        'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body).toContain('egressgate_decisions_total');
  });

  it.each(['/metrics', '/healthz', '/readyz', '/policy', '/denied'])(
    'GET %s on the proxy port is a 400',
    async (path) => {
      const reply = await exchangeFrom(
        '127.0.0.2',
        ports.explicit,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      const res = parseRawResponse(reply);
      expect(res.status).toBe(400);
      expect(res.body).not.toContain('egressgate_');
    },
  );

  it.each([
    ['CONNECT to its IP', `CONNECT 127.0.0.1:{admin} HTTP/1.1\r\n\r\n`],
    ['CONNECT to a name for it', `CONNECT localhost:{admin} HTTP/1.1\r\n\r\n`],
    ['absolute URI', `GET http://localhost:{admin}/metrics HTTP/1.1\r\nConnection: close\r\n\r\n`],
  ])('%s is refused', async (_name, template) => {
    const reply = await exchangeFrom(
      '127.0.0.2',
      ports.explicit,
      template.replace('{admin}', String(ports.admin)),
    );
    const res = parseRawResponse(reply);
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/ip_literal|private_address|loop/);
    expect(res.body).not.toContain('egressgate_');
  });
});

describe('requests aimed at egressgate itself are refused (loop)', () => {
  it('CONNECT to a name resolving to its own proxy port', async () => {
    const res = await openTunnel(ports.explicit, `self.test:${ports.explicit}`, {
      localAddress: '127.0.0.2',
    });
    expect(res.status).toBe(403);
    res.socket.destroy();
    const line = await fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['host'] === 'self.test');
    expect(line).toMatchObject({ decision: 'deny', reason: 'loop' });
  });

  it('CONNECT through a connect-to mapping onto its own port', async () => {
    const port = await freePort();
    const looping = await startTestApp(
      {
        policies,
        profiles: ['faults-test'],
        listen: `127.0.0.1:${port}`,
        connectTo: [`::127.0.0.1:${port}`],
      },
      { resolver: localResolver },
    );
    try {
      const res = await openTunnel(port, 'anything.test:443');
      res.socket.destroy();
      expect(res.status).toBe(403);
      const line = await looping.waitForLine((l) => l['msg'] === 'decision');
      expect(line).toMatchObject({ decision: 'deny', reason: 'loop' });
    } finally {
      await looping.stop();
    }
  });

  it('a transparent TLS connection whose original destination is its own explicit port', async () => {
    const selfPort = await freePort();
    const self = await startTestApp(
      {
        policies,
        profiles: ['faults-test'],
        listen: `127.0.0.1:${selfPort}`,
        transparentTls: ['127.0.0.1:0'],
      },
      { readOriginalDestination: () => ({ address: '127.0.0.1', port: selfPort }) },
    );
    try {
      const reply = await rawExchange(
        self.addresses.transparentTls[0]?.port ?? 0,
        buildClientHello({ sni: 'allowed.example.test' }),
      );
      expect(reply).toEqual(accessDenied);
      const line = await self.waitForLine((l) => l['msg'] === 'decision');
      expect(line).toMatchObject({ decision: 'deny', reason: 'loop', origDst: `127.0.0.1:${selfPort}` });
    } finally {
      await self.stop();
    }
  });
});
