import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/net/create-dialer.js';
import { openTunnel } from '../support/open-tunnel.js';
import { freePort } from '../support/free-port.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

// The admin port is egressgate's own, like its proxy ports: no CIDR rule and no connect-to mapping
// may turn it into a destination (its /metrics and /denied list every client and destination).
const policies = fileURLToPath(new URL('../faults/policies/', import.meta.url));
const resolver: Resolver = (hostname) =>
  hostname === 'self.test'
    ? Promise.resolve([{ address: '127.0.0.1', family: 4 }])
    : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));

let gate: TestApp | null = null;
afterEach(async () => {
  await gate?.stop();
  gate = null;
});

async function expectLoop(app: TestApp, request: string): Promise<void> {
  const reply = await rawExchange(app.addresses.listen.port, request);
  const res = parseRawResponse(reply);
  expect(res.status).toBe(403);
  expect(res.body).not.toContain('egressgate_');
  const line = await app.waitForLine((l) => l['msg'] === 'decision');
  expect(line).toMatchObject({ decision: 'deny', reason: 'loop' });
}

describe('the admin port is never a destination', () => {
  it('CONNECT to it when a CIDR rule opens loopback', async () => {
    gate = await startTestApp({ policies, profiles: ['wide-cidr-test'] }, { resolver });
    const admin = gate.addresses.admin?.port ?? 0;
    await expectLoop(gate, `CONNECT 127.0.0.1:${admin} HTTP/1.1\r\n\r\n`);
  });

  it('an absolute-URI GET /metrics when a CIDR rule opens loopback', async () => {
    gate = await startTestApp({ policies, profiles: ['wide-cidr-test'] }, { resolver });
    const admin = gate.addresses.admin?.port ?? 0;
    await expectLoop(gate, `GET http://127.0.0.1:${admin}/metrics HTTP/1.1\r\nConnection: close\r\n\r\n`);
  });

  it('a connect-to mapping onto it', async () => {
    const admin = await freePort();
    gate = await startTestApp(
      {
        policies,
        profiles: ['faults-test'],
        admin: `127.0.0.1:${admin}`,
        connectTo: [`::127.0.0.1:${admin}`],
      },
      { resolver },
    );
    const res = await openTunnel(gate.addresses.listen.port, 'anything.test:443');
    res.socket.destroy();
    expect(res.status).toBe(403);
    const line = await gate.waitForLine((l) => l['msg'] === 'decision');
    expect(line).toMatchObject({ decision: 'deny', reason: 'loop' });
  });

  it('the control: the same CIDR rule still lets a loopback port that is not egressgate through', async () => {
    gate = await startTestApp({ policies, profiles: ['wide-cidr-test'] }, { resolver });
    const unused = await freePort();
    const res = parseRawResponse(
      await rawExchange(gate.addresses.listen.port, `CONNECT 127.0.0.1:${unused} HTTP/1.1\r\n\r\n`),
    );
    expect(res.status).toBe(502);
    expect(res.headers['proxy-status']).toContain('connection_refused');
  });
});
