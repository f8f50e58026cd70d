#!/usr/bin/env node
// Builds native/ (the SO_ORIGINAL_DST and SO_REUSEPORT addon) with the node-gyp bundled with npm.
// Never fails the install: without a compiler or headers, transparent mode falls back to the
// listener's configured destination port and `workers` stays at 1, so a failed build is one line
// of output and exit code 0.
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'native');
const addon = join(nativeDir, 'build', 'Release', 'original_dst.node');
const FALLBACK = "transparent mode will use the listener's DEST_PORT, and workers > 1 cannot start";

/** node-gyp's entry script: the one npm points lifecycle scripts at, else npm's bundled copy. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  ];
  return candidates.find((p) => typeof p === 'string' && p !== '' && existsSync(p)) ?? null;
}

function build() {
  if (process.platform !== 'linux') return 'SO_ORIGINAL_DST exists only on Linux';
  const args = ['rebuild'];
  // Distribution Node packages ship headers under /usr/include/node and no tarball to download.
  if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h'))
    args.push('--nodedir=/usr');
  const nodeGyp = findNodeGyp();
  const [cmd, cmdArgs] = nodeGyp
    ? [process.execPath, [nodeGyp, ...args]]
    : ['npm', ['exec', '--yes=false', '--', 'node-gyp', ...args]];
  const run = spawnSync(cmd, cmdArgs, { cwd: nativeDir, encoding: 'utf8', timeout: 180_000 });
  if (run.error) return `cannot run node-gyp: ${run.error.message}`;
  if (run.status !== 0) {
    const lastError = `${run.stderr}`
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /error/i.test(l))
      .at(0);
    return `node-gyp exited with ${run.status}${lastError ? `: ${lastError}` : ''}`;
  }
  return existsSync(addon) ? null : 'node-gyp succeeded but produced no original_dst.node';
}

try {
  const failure = build();
  if (failure === null) console.log(`egressgate: built ${addon}`);
  else console.log(`egressgate: native addon not built (${failure}); ${FALLBACK}`);
} catch (err) {
  console.log(
    `egressgate: native addon not built (${err instanceof Error ? err.message : String(err)}); ${FALLBACK}`,
  );
}
process.exitCode = 0;
