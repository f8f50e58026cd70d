import path from 'node:path';
import type { Target } from '../../src/policy/decide.js';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { timeDecisions } from '../matcher/time-decisions.js';
import { repoRoot } from '../launch-egressgate.js';
import { formatTable } from '../report/format-table.js';
import type { SuiteResult } from '../suite-result.js';

const TIMING = { rounds: 5, roundMs: 250, warmupMs: 300 };

/** A path of `length` characters made of every construct the readings expand on. */
function confusingPath(length: number): string {
  return `/pkiops/crl/${'a;b/%2f.. /\\x/;/%5c/./'.repeat(Math.ceil(length / 21))}`.slice(0, length);
}

/**
 * Issue 12: what deciding a path rule on every server's reading costs, as a ratio to a host-only
 * decision on the same policy (the shipped azure-stack-hub profile, www.microsoft.com).
 */
export async function runPathRuleSuite(
  _workDir: string,
  progress: (line: string) => void,
): Promise<SuiteResult> {
  const policy = await loadPolicy({
    dir: path.join(repoRoot, 'policies'),
    profiles: ['azure-stack-hub'],
    parameters: {},
  });
  const host = 'www.microsoft.com';
  const cases: readonly (readonly [string, readonly Target[]])[] = [
    ['host-only rule (port 443, no path)', [{ host, port: 443 }]],
    ['path rule, plain CRL path', [{ host, port: 80, path: '/pkiops/crl/Microsoft-RSA-TLS-CA-01.crl' }]],
    [
      'path rule, escaped CRL path',
      [{ host, port: 80, path: '/pkiops/crl/Microsoft%20RSA%20TLS%20CA%2001.crl' }],
    ],
    [
      'path rule, escaping spellings (denied)',
      ['//../x', '/..%2fx', '/..;/x', '/..%5cx', '/%252e%252e/x', 'EVIL'].map((p) => ({
        host,
        port: 80,
        path: `/pkiops/crl${p}`,
      })),
    ],
    ['path rule, 200-char confusing path', [{ host, port: 80, path: confusingPath(200) }]],
    ['path rule, 1024-char confusing path (limit)', [{ host, port: 80, path: confusingPath(1024) }]],
  ];
  const rows = cases.map(([name, targets]) => {
    const timing = timeDecisions((t) => decide(policy, t, 'enforce'), targets, TIMING);
    progress(`${name}: ${timing.nsPerDecision.toFixed(0)} ns/decision`);
    return { name, timing };
  });
  const base = rows[0]?.timing.nsPerDecision ?? Number.NaN;
  const plain = rows[1]?.timing.nsPerDecision ?? Number.NaN;
  return {
    suite: 'paths',
    table: formatTable(
      'Path-rule decisions (decide, enforce, azure-stack-hub): CPU time per decision, median of 5 rounds',
      ['target', 'ns/decision', 'decisions/CPU-s', '× host-only'],
      rows.map((r) => [
        r.name,
        r.timing.nsPerDecision,
        Math.round(r.timing.decisionsPerCpuSecond),
        r.timing.nsPerDecision / base,
      ]),
      1,
    ),
    figures: { rows },
    goals: [
      {
        goal: 'a plain path on a path rule costs ≤ 3× a host-only decision',
        met: Number.isFinite(plain / base) ? plain / base <= 3 : null,
        detail: `${(plain / base).toFixed(2)}×`,
      },
    ],
  };
}
