/**
 * `node --import tsx bench/soak/run.ts [--tunnels N] [--seconds S] [--rate R] [--source] [--relay native|js]`: idle-tunnel
 * RSS and the steady mixed-traffic soak (bench/soak/soak-suite.ts), measured on the built dist/ CLI
 * (or src/ through tsx with --source). Needs Linux (/proc) and a shell whose
 * `ulimit -n` may be raised to 65536 (root, or a hard limit at least that high). Never part of CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultSoakSettings, runSoakSuite, type SoakSettings } from './soak-suite.js';

const { values } = parseArgs({
  options: {
    tunnels: { type: 'string' },
    seconds: { type: 'string' },
    rate: { type: 'string' },
    source: { type: 'boolean' },
    relay: { type: 'string' },
  },
});

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive number, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const relay = values.relay;
if (relay !== undefined && relay !== 'native' && relay !== 'js') {
  process.stderr.write(`--relay must be native or js, got "${relay}"\n`);
  process.exit(2);
}
const settings: SoakSettings = {
  tunnels: positive(values.tunnels, defaultSoakSettings.tunnels, 'tunnels'),
  seconds: positive(values.seconds, defaultSoakSettings.seconds, 'seconds'),
  rate: positive(values.rate, defaultSoakSettings.rate, 'rate'),
  source: values.source === true,
  ...(relay === undefined ? {} : { relay }),
};
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egressgate-soak-'));
const result = await runSoakSuite(workDir, (line) => process.stderr.write(`  ${line}\n`), settings);
process.stdout.write(`${result.table}\n`);
for (const g of result.goals) {
  process.stdout.write(`  [${g.met === null ? 'n/a ' : g.met ? 'MET ' : 'MISS'}] ${g.goal}: ${g.detail}\n`);
}
process.stdout.write(`${JSON.stringify(result.figures)}\n`);
process.exit(result.goals.every((g) => g.met !== false) ? 0 : 1);
