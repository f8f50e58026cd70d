import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartDir } from './chart-paths.js';
import { ensureHelm } from './ensure-helm.js';
import { dig, pick, renderChart, runHelm } from './render-chart.js';

let helm: string;

beforeAll(async () => {
  helm = await ensureHelm();
}, 240_000);

async function workersFor(set: readonly string[]): Promise<unknown> {
  const objects = await renderChart(helm, chartDir, { set });
  const config: unknown = parse(
    String(dig(pick(objects, 'ConfigMap', 'gw-egressgate'), 'data', 'config.yaml')),
  );
  return dig(config, 'workers');
}

describe('helm chart: workers from the CPU limit', () => {
  it.each([
    [[], 1],
    [['resources.limits.cpu=2'], 2],
    [['resources.limits.cpu=4000m'], 4],
    [['resources.limits.cpu=1500m'], 1],
    [['resources.limits.cpu=2.5'], 2],
    [['resources.limits.cpu=250m'], 1],
    [['resources.limits.cpu=4', 'workers=3'], 3],
  ] as const)('with --set %j the config says workers: %i', async (set, expected) => {
    expect(await workersFor(set)).toBe(expected);
  });

  it('refuses workers inside config (the chart owns it) and a negative count', async () => {
    for (const set of ['config.workers=2', 'workers=-1']) {
      const result = await runHelm(helm, ['template', 'gw', chartDir, '--set', set]);
      expect(result.code).not.toBe(0);
    }
  });
});
