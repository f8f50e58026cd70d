import { describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.js';
import { startHttpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

const latencyMs = 400;

// latencyMs as a serve config key: the path `--latency` takes.
const fx = useGate({ upstream: () => startHttpUpstream('plain') }, ({ upstream }) => ({
  latencyMs,
  connectTo: [`::127.0.0.1:${upstream.port}`],
}));

function curlTimed(url: string) {
  const proxy = `http://127.0.0.1:${fx.gate.addresses.listen.port}`;
  return runCommand('curl', [
    '-sS',
    '--max-time',
    '10',
    '-x',
    proxy,
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{time_total}',
    url,
  ]);
}

describe('--latency', () => {
  it('delays every allowed connection by at least the configured time', async () => {
    for (const url of ['http://plain.example.test/allowed/a', 'http://plain.example.test:8080/allowed/b']) {
      const started = performance.now();
      const r = await curlTimed(url);
      const ms = performance.now() - started;
      const [status, total] = r.stdout.split(' ');
      expect(status).toBe('200');
      expect(ms).toBeGreaterThanOrEqual(latencyMs);
      expect(Number(total) * 1000).toBeGreaterThanOrEqual(latencyMs - 5);
    }
    expect(fx.upstream.connections()).toBe(2);
  });
});
