import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../lab/spawn-cli.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { runCli } from '../support/run-cli.js';

describe('egressgate serve', () => {
  it('exits 2 naming file and line of a bad config', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'egressgate-')), 'gate.yaml');
    writeFileSync(file, 'listen: 127.0.0.1:0\nlisen: 127.0.0.1:1\n');
    const result = await runCli(['serve', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:2: unknown key 'lisen'`);
  });

  it('exits 2 naming an unknown profile', async () => {
    const result = await runCli([
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--admin',
      '127.0.0.1:0',
      '--profile',
      'no-such-profile',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no-such-profile');
  });

  it('refuses to become an open proxy', async () => {
    const result = await runCli([
      'serve',
      '--listen',
      '0.0.0.0:0',
      '--admin',
      '127.0.0.1:0',
      '--profile',
      'x',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing to listen on 0\.0\.0\.0:0 with no client groups/);
  });

  it('--demo prints how to try it and denies what the profile does not list', async () => {
    const cli = spawnCli(['serve', '--demo', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0']);
    try {
      const [, port] = await cli.waitForStderr(
        /curl -x http:\/\/127\.0\.0\.1:(\d+) https:\/\/management\.azure\.com\//,
      );
      expect(cli.stderr()).toMatch(/metrics: curl http:\/\/127\.0\.0\.1:\d+\/metrics/);
      // A denial is decided before any lookup: nothing leaves the machine.
      const res = parseRawResponse(
        await rawExchange(Number(port), 'CONNECT example.com:443 HTTP/1.1\r\n\r\n'),
      );
      expect(res.status).toBe(403);
      expect(res.body).toContain('no_matching_rule');
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });
});
