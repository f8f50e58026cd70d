import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { repoRoot } from '../support/run-cli.js';

const addonFile = `${repoRoot}native/build/Release/original_dst.node`;

/**
 * The gateway child reads `origDst` through the SO_ORIGINAL_DST addon. A fresh clone has not built
 * it (`npm ci` does not); build it once here, as test/net does. Null when available, else why not.
 */
export function addonUnavailableReason(): string | null {
  if (!existsSync(addonFile)) {
    try {
      execFileSync(process.execPath, [`${repoRoot}scripts/build-native.mjs`], {
        stdio: 'ignore',
        timeout: 180_000,
      });
    } catch {
      // The script never fails on purpose; a crash leaves the file missing, reported below.
    }
  }
  return existsSync(addonFile)
    ? null
    : 'the SO_ORIGINAL_DST addon could not be built (node scripts/build-native.mjs)';
}
