import { describe, expect, it } from 'vitest';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startHttpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

const fx = useGate(
  { upstream: () => startHttpUpstream('origin') },
  ({ upstream }) => ({
    connectTo: [`::127.0.0.1:${upstream.port}`],
    clientGroups: [
      { name: 'arc', cidrs: ['127.0.0.0/8'], users: ['arc'], profiles: ['egress-test'] },
      {
        name: 'watchers',
        cidrs: ['127.0.0.0/8'],
        users: ['watch'],
        profiles: ['egress-test'],
        mode: 'report',
      },
    ],
  }),
  () => ({
    passwords: new Map([
      ['arc', 's3cret'],
      ['watch', 'w4tch'],
    ]),
  }),
);

function get(url: string, auth?: string): Promise<ReturnType<typeof parseRawResponse>> {
  const header =
    auth === undefined ? '' : `Proxy-Authorization: Basic ${Buffer.from(auth).toString('base64')}\r\n`;
  return rawExchange(
    fx.gate.addresses.listen.port,
    `GET ${url} HTTP/1.1\r\nHost: x\r\n${header}Connection: close\r\n\r\n`,
  ).then(parseRawResponse);
}

describe('client groups', () => {
  it('selects a group by source address and verified proxy user', async () => {
    const res = await get('http://plain.example.test/allowed/arc', 'arc:s3cret');
    expect(res.status).toBe(200);
    const line = await fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['path'] === '/allowed/arc');
    expect(line).toMatchObject({ group: 'arc', user: 'arc', decision: 'allow' });
  });

  it('refuses a wrong password or no user as client_not_allowed', async () => {
    for (const auth of ['arc:wrong', undefined]) {
      const before = fx.upstream.connections();
      const res = await get('http://plain.example.test/allowed/nobody', auth);
      expect(res.status).toBe(403);
      expect(res.body).toContain('client_not_allowed');
      expect(fx.upstream.connections()).toBe(before);
    }
  });

  it('lets a report-mode group through and logs the would-be denial', async () => {
    const res = await get('http://denied.example.test/allowed/report', 'watch:w4tch');
    expect(res.status).toBe(200);
    const line = await fx.gate.waitForLine(
      (l) => l['msg'] === 'decision' && l['host'] === 'denied.example.test',
    );
    expect(line).toMatchObject({
      group: 'watchers',
      decision: 'report',
      reason: 'no_matching_rule',
      mode: 'report',
    });
  });
});
