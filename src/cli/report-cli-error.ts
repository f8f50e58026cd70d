import { PolicyError } from '../policy/policy-error.js';

/** Prints a usage or policy error on stderr and returns exit code 2. */
export function reportCliError(err: unknown): number {
  const message = err instanceof PolicyError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`egressgate: ${message}\n`);
  return 2;
}
