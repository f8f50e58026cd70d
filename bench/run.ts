/**
 * `npm run bench [-- matcher|paths|proxy|transparent|soak ...]`: runs the named suites (all but the long soak by
 * default), prints a
 * table per suite and writes every figure to $BENCH_OUT (default /tmp/egressgate-bench/latest.json).
 * Never part of `npm test` or CI: the figures depend on the machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMatcherSuite } from './matcher/matcher-suite.js';
import { runPathRuleSuite } from './paths/path-rule-suite.js';
import { runExplicitSuite } from './proxy/explicit-suite.js';
import { runTransparentSuite } from './proxy/transparent-suite.js';
import { runSoakSuite } from './soak/soak-suite.js';
import type { SuiteResult } from './suite-result.js';

type Suite = (workDir: string, progress: (line: string) => void) => Promise<SuiteResult>;

const SUITES: Readonly<Record<string, Suite>> = {
  matcher: runMatcherSuite,
  paths: runPathRuleSuite,
  proxy: runExplicitSuite,
  transparent: runTransparentSuite,
  soak: runSoakSuite,
};

// Over a minute of steady load plus 10,000 tunnels: run only when named.
const ON_REQUEST = new Set(['soak']);

async function main(argv: readonly string[]): Promise<number> {
  const names = argv.length === 0 ? Object.keys(SUITES).filter((n) => !ON_REQUEST.has(n)) : argv;
  const unknown = names.filter((n) => !(n in SUITES));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown suite(s): ${unknown.join(', ')}; choose from ${Object.keys(SUITES).join(', ')}\n`,
    );
    return 2;
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egressgate-bench-'));
  // squid started as root drops to its own user, which must reach its files below this directory.
  fs.chmodSync(workDir, 0o755);
  const progress = (line: string): void => void process.stderr.write(`  ${line}\n`);
  const machineAtStart = describeMachine();
  const results: SuiteResult[] = [];
  let failed = false;
  for (const name of names) {
    const suite = SUITES[name];
    if (suite === undefined) continue;
    process.stderr.write(`[${name}] running (work dir ${workDir})\n`);
    const started = Date.now();
    try {
      const result = await suite(workDir, progress);
      results.push(result);
      process.stdout.write(`${result.table}\n`);
      process.stdout.write(`  (${name}: ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
      for (const g of result.goals) {
        const mark = g.met === null ? 'n/a ' : g.met ? 'MET ' : 'MISS';
        process.stdout.write(`  [${mark}] ${g.goal}: ${g.detail}\n`);
      }
    } catch (err) {
      failed = true;
      process.stderr.write(
        `[${name}] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
  }
  const out = process.env.BENCH_OUT ?? path.join(os.tmpdir(), 'egressgate-bench', 'latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), machine: machineAtStart, loadAverageAtEnd: os.loadavg(), results }, null, 2)}\n`,
  );
  process.stdout.write(
    `\nload average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; figures written to ${out}\n`,
  );
  return failed ? 1 : 0;
}

function describeMachine(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    // The machine is shared: the load average says how much the figures can be trusted.
    loadAverage1m: Number(os.loadavg()[0]?.toFixed(2)),
  };
}

process.exitCode = await main(process.argv.slice(2));
