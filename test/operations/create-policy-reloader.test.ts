import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observe/create-metrics.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import { createPolicyReloader } from '../../src/reload/create-policy-reloader.js';
import { captureLog } from '../observe/capture-log.js';

async function reloadCount(registry: Registry, result: string): Promise<number | undefined> {
  const m = await registry.getSingleMetric('egressgate_policy_reloads_total')?.get();
  return m?.values.find((v) => v.labels['result'] === result)?.value;
}

describe('createPolicyReloader', () => {
  it('applies a valid policy and keeps the old one on an error, logging file and line', async () => {
    const { logger, lines } = captureLog();
    const registry = new Registry();
    const metrics = createMetrics(registry, { deniedTopN: 1, defaultMetrics: false });
    let inForce = 'v1';
    let next: () => string = () => 'v2';
    const reloader = createPolicyReloader({
      load: () => Promise.resolve(next()),
      apply: (p) => (inForce = p),
      metrics,
      logger,
    });

    expect(await reloader.reload('SIGHUP')).toBe(true);
    expect(inForce).toBe('v2');
    next = () => {
      throw new PolicyError('BAD_PORT', 'port 70000 out of range', { file: '/p/broken.yaml', line: 12 });
    };
    expect(await reloader.reload('file change')).toBe(false);
    expect(inForce).toBe('v2');
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      event: 'policy_reload',
      trigger: 'file change',
      result: 'failure',
      code: 'BAD_PORT',
      file: '/p/broken.yaml',
      line: 12,
      error: '/p/broken.yaml:12: port 70000 out of range',
    });
    expect(await reloadCount(registry, 'success')).toBe(1);
    expect(await reloadCount(registry, 'failure')).toBe(1);
  });

  it('coalesces triggers that arrive during a reload into one more load', async () => {
    const { logger } = captureLog('warn');
    const registry = new Registry();
    const metrics = createMetrics(registry, { deniedTopN: 1, defaultMetrics: false });
    let loads = 0;
    let release: () => void = () => undefined;
    const reloader = createPolicyReloader({
      load: () => {
        loads++;
        return new Promise<number>((resolve) => (release = () => resolve(loads)));
      },
      apply: () => undefined,
      metrics,
      logger,
    });
    const first = reloader.reload('a');
    const second = reloader.reload('b');
    const third = reloader.reload('c');
    expect(second).toBe(third);
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    release();
    expect(await third).toBe(true);
    expect(loads).toBe(2);
  });
});
