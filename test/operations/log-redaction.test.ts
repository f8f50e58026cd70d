import { describe, expect, it } from 'vitest';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startHttpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

const SECRET = 's3cret-pw';
const BASIC = Buffer.from(`alice:${SECRET}`).toString('base64');

const fx = useGate({ upstream: () => startHttpUpstream('plain') }, ({ upstream }) => ({
  connectTo: [`::127.0.0.1:${upstream.port}`],
}));

function leaks(): string[] {
  return fx.gate.lines
    .map((l) => JSON.stringify(l))
    .filter((text) => text.includes(SECRET) || text.includes(BASIC));
}

describe('credentials never reach the decision log', () => {
  it('absolute-URI request with userinfo, a userinfo Host header and Proxy-Authorization', async () => {
    const raw = await rawExchange(
      fx.gate.addresses.listen.port,
      `GET http://alice:${SECRET}@plain.example.test/allowed/x HTTP/1.1\r\n` +
        `Host: alice:${SECRET}@plain.example.test\r\n` +
        `Proxy-Authorization: Basic ${BASIC}\r\nConnection: close\r\n\r\n`,
    );
    expect(parseRawResponse(raw).status).toBeGreaterThan(0);
    await fx.gate.waitForLine(
      (l) => l['msg'] === 'close' && String(l['host']).includes('plain.example.test'),
    );
    expect(leaks()).toEqual([]);
    // The raw target also feeds the denied-destination metric and /denied.
    const admin = `http://127.0.0.1:${fx.gate.addresses.admin?.port}`;
    for (const path of ['/metrics', '/denied']) {
      const body = await (await fetch(`${admin}${path}`)).text();
      expect(body).not.toContain(SECRET);
    }
  });

  it('CONNECT with Proxy-Authorization and a userinfo Host header', async () => {
    const raw = await rawExchange(
      fx.gate.addresses.listen.port,
      `CONNECT denied.example.test:443 HTTP/1.1\r\nHost: alice:${SECRET}@denied.example.test:443\r\n` +
        `Proxy-Authorization: Basic ${BASIC}\r\n\r\n`,
    );
    expect(parseRawResponse(raw).status).toBe(403);
    const decision = await fx.gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['host'] === 'denied.example.test',
    );
    expect(decision).toMatchObject({ level: 'warn', decision: 'deny' });
    expect(leaks()).toEqual([]);
  });
});
