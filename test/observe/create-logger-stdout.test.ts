import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const loggerModule = fileURLToPath(new URL('../../src/observe/create-logger.ts', import.meta.url));

// The child logs one line to its real stdout and then stays alive: the line must arrive while the
// process runs (the batch is flushed on a timer), and a batch still pending at exit is not lost.
const script = `
  const { createLogger } = await import(${JSON.stringify(loggerModule)});
  const logger = createLogger({ level: 'info' });
  logger.info({ event: 'decision', conn: 'a-1' }, 'decision');
  process.stdin.once('data', () => {
    logger.info({ event: 'close', conn: 'a-1' }, 'close');
    process.exit(0);
  });
`;

describe('createLogger on stdout', () => {
  it('delivers a lone line while the process runs, and the last lines on exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const lines = (): Record<string, unknown>[] =>
      out
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => reject(new Error(`exited before the first line: ${out}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve();
      });
    });
    expect(lines().map((l) => l['msg'])).toEqual(['decision']);
    const exited = new Promise((resolve) => child.once('close', resolve));
    child.stdin.write('go\n');
    await exited;
    expect(lines().map((l) => [l['msg'], l['conn']])).toEqual([
      ['decision', 'a-1'],
      ['close', 'a-1'],
    ]);
  });
});
