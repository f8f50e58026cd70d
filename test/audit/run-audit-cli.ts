import { spawn } from 'node:child_process';
import { repoRoot } from '../support/run-cli.js';

export interface AuditCliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `egressgate audit ...` from source with binary stdin (gzip bytes), unlike the shared text helper. */
export function runAuditCli(args: readonly string[], stdin: Buffer | string = ''): Promise<AuditCliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `${repoRoot}src/cli/main.ts`, 'audit', ...args],
      {
        cwd: repoRoot,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}
