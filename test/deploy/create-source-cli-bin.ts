import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './chart-paths.js';

/**
 * Makes a directory with an `egressgate` that runs the checkout's CLI from source (through tsx), so
 * tests that do not need the built image start it the same way as the emulated image's entrypoint.
 */
export function createSourceCliBin(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const tsx = join(repoRoot, 'node_modules/tsx/dist/loader.mjs');
  const script = `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${repoRoot}src/cli/main.ts" "$@"\n`;
  writeFileSync(join(bin, 'egressgate'), script);
  chmodSync(join(bin, 'egressgate'), 0o755);
  return bin;
}
