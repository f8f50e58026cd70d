import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Root of the installed package (dist/cli/.. /..), where package.json and policies/ live. */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(`${packageRoot}package.json`, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
