import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isOriginalDestinationAvailable } from '../../src/net/original-destination.js';
import { repoRoot } from '../support/run-cli.js';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const canNetns =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  has('unshare') &&
  has('iptables') &&
  has('ip') &&
  spawnSync('unshare', ['--net', 'sh', '-c', 'iptables -t nat -n -L OUTPUT']).status === 0;

// The docs/lab.md recipe in one namespace: the REDIRECT sits in OUTPUT because client and gateway
// share the namespace here; in the two-namespace recipe it sits in PREROUTING.
describe.skipIf(!canNetns)('lab endpoints behind an iptables REDIRECT (network namespace)', () => {
  it('serves allowed names transparently, with the original destination logged, and denies the rest in each style', () => {
    const setup = [
      'ip link set lo up',
      'ip addr add 192.0.2.10/32 dev lo',
      'iptables -t nat -A OUTPUT -p tcp -d 192.0.2.10 --dport 443 -j REDIRECT --to-ports 15001',
      'iptables -t nat -A OUTPUT -p tcp -d 192.0.2.10 --dport 80 -j REDIRECT --to-ports 15002',
      `exec "${process.execPath}" --import tsx test/lab/transparent-lab-child.ts`,
    ].join(' && ');
    const run = spawnSync('unshare', ['--net', 'sh', '-c', setup], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as Record<string, Record<string, Record<string, unknown>>>;
    for (const style of ['forbidden', 'reset', 'drop']) {
      const r = result[style] ?? {};
      expect(r['allowed']?.['code'], style).toBe(0);
      expect(r['allowed']?.['body'], style).toMatchObject({
        host: 'lab.servicebus.windows.net',
        sni: 'lab.servicebus.windows.net',
        tls: true,
      });
      expect(r['plain']?.['code'], style).toBe(0);
      expect(r['plain']?.['body'], style).toMatchObject({ host: 'crl.microsoft.com', tls: false });
      expect(r['allowLine'], style).toEqual({
        listener: 'transparent-tls',
        sni: 'lab.servicebus.windows.net',
        // Read with SO_ORIGINAL_DST when the addon is built; unknown (null) otherwise.
        origDst: isOriginalDestinationAvailable() ? '192.0.2.10:443' : null,
      });
    }
    const denied = (style: string): Record<string, unknown> => result[style]?.['denied'] ?? {};
    expect(denied('forbidden')['code']).toBe(35);
    expect(denied('forbidden')['stderr']).toMatch(/alert access denied/);
    expect(denied('reset')['code']).toBe(35);
    expect(denied('reset')['stderr']).toMatch(/reset by peer/i);
    // Held until curl's own --max-time 2 ran out.
    expect(denied('drop')['code']).toBe(28);
    expect(denied('drop')['stderr']).toMatch(/timed out/i);
  });
});
