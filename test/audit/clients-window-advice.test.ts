import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/audit-report.js';
import { runCli } from '../support/run-cli.js';

const T0 = Date.UTC(2026, 10, 16, 8, 0, 0);

function decision(n: number, fields: Record<string, unknown>): string {
  return JSON.stringify({
    level: 30,
    time: T0 + n * 60_000,
    event: 'decision',
    conn: `c${n}`,
    listener: 'explicit',
    group: 'arc-nodes',
    port: 443,
    decision: 'allow',
    reason: 'allowed',
    profile: 'azure-arc-kubernetes',
    rule: 'arm',
    msg: 'decision',
    ...fields,
  });
}

// Three clients to one destination, a proxy user, pre-policy refusals logged as report by a listener
// the audit has never heard of, and a window of 26.5 hours.
const log = [
  decision(0, { client: '10.1.0.11', host: 'management.azure.com' }),
  decision(1, { client: '10.1.0.11', host: 'management.azure.com' }),
  decision(2, { client: '10.1.0.12', host: 'management.azure.com' }),
  decision(3, { client: '10.1.0.13', user: 'alice', host: 'management.azure.com' }),
  decision(4, { client: '10.1.0.12', host: 'management.azure.com' }),
  decision(5, { client: '10.1.0.11', host: 'management.azure.com' }),
  decision(6, {
    client: '10.1.0.14',
    listener: 'transparent-tcp',
    host: '20.50.2.1',
    decision: 'report',
    reason: 'no_sni',
    profile: null,
    rule: null,
  }),
  decision(7, {
    client: '10.1.0.14',
    listener: 'transparent-tcp',
    host: '20.50.2.2',
    port: 80,
    decision: 'report',
    reason: 'not_tls',
    profile: null,
    rule: null,
  }),
  decision(8, {
    client: '10.1.0.15',
    host: 'db.internal.example.com',
    decision: 'deny',
    reason: 'private_address',
    profile: null,
    rule: null,
  }),
  decision(1590, {
    client: '10.1.0.16',
    listener: 'transparent-tls',
    host: '20.50.2.3',
    decision: 'deny',
    reason: 'ip_sni',
    profile: null,
    rule: null,
  }),
].join('\n');

describe('audit: clients, observation window and advice for refusals before the policy', () => {
  it('counts distinct clients with the busiest first, states the window, and advises instead of suggesting', async () => {
    const r = await runCli(['audit', '--format', 'json', '-'], { stdin: `${log}\n` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.window).toEqual({
      first: '2026-11-16T08:00:00.000Z',
      last: '2026-11-17T10:30:00.000Z',
      hours: 26.5,
      lines: 10,
    });
    const arm = report.groups[0]?.destinations.find((d) => d.host === 'management.azure.com');
    expect(arm).toMatchObject({
      connections: 6,
      clients: 3,
      topClients: [
        { client: '10.1.0.11', connections: 3 },
        { client: '10.1.0.12', connections: 2 },
        { client: '10.1.0.13 (alice)', connections: 1 },
      ],
    });
    const advice = new Map(report.denied.map((d) => [d.reason, d.advice]));
    expect(advice.get('no_sni')).toMatch(/explicit proxy/);
    expect(advice.get('not_tls')).toMatch(/--transparent-tcp/);
    expect(advice.get('private_address')).toMatch(/privateDestinations: \[CIDR\]/);
    expect(advice.get('ip_sni')).toMatch(/host name/);
    // No rule is suggested for a refusal a profile cannot change.
    expect(report.suggestion.rules).toEqual([]);
    expect(report.denied.every((d) => d.nearest === null)).toBe(true);
  });

  it('prints the window and the advice in the terminal table', async () => {
    const r = await runCli(['audit', '-'], { stdin: `${log}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Observed 2026-11-16 08:00:00Z to 2026-11-17 10:30:00Z (26.5 hour(s)); 10 line(s) read.',
    );
    expect(r.stdout).toMatch(/^- no_sni: The TLS ClientHello named no server/m);
    expect(r.stdout).toMatch(
      /management\.azure\.com:443 +6 +3 +10\.1\.0\.11 \(3\), 10\.1\.0\.12 \(2\), 10\.1\.0\.13 \(alice\) \(1\)/,
    );
  });
});
