import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Finds a Debian-packaged binary, installing its package when absent. The flock serializes with the
 * other apt users on this machine.
 */
export function findOrInstall(binary: string, debianPackage: string): string {
  const found = locate(binary);
  if (found !== null) return found;
  process.stderr.write(`${binary} not found: installing ${debianPackage}\n`);
  execFileSync('flock', ['/tmp/apt.lock', 'apt-get', 'install', '-y', debianPackage], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const installed = locate(binary);
  if (installed === null) throw new Error(`${debianPackage} installed but ${binary} is still not found`);
  return installed;
}

function locate(binary: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    const candidate = `${dir}/${binary}`;
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}
