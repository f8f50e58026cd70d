import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { chartDir } from './chart-paths.js';
import { dig, pick, renderChart } from './render-chart.js';

/**
 * Renders the chart and writes its config with the image's paths mapped onto the emulation:
 * /app/policies (shipped) and /etc/egressgate/policies (the chart's custom profiles) become one
 * directory, which is also what the config can express until it accepts a list of policy directories.
 */
export async function writeChartConfig(opts: {
  helm: string;
  appDir: string;
  workDir: string;
  name: string;
  valuesFiles?: string[];
  set?: string[];
}): Promise<string> {
  const objects = await renderChart(opts.helm, chartDir, opts);
  const text = dig(pick(objects, 'ConfigMap', 'gw-egressgate'), 'data', 'config.yaml');
  const config = parse(String(text)) as Record<string, unknown>;
  const policies = join(opts.workDir, `${opts.name}-policies`);
  mkdirSync(policies);
  for (const dir of [config.policies].flat()) {
    if (dir === '/app/policies') cpSync(join(opts.appDir, 'policies'), policies, { recursive: true });
    else if (dir === '/etc/egressgate/policies') {
      const custom = dig(pick(objects, 'ConfigMap', '-policies'), 'data') as Record<string, string>;
      for (const [file, profile] of Object.entries(custom)) writeFileSync(join(policies, file), profile);
    } else throw new Error(`config.policies names ${String(dir)}, which the image does not have`);
  }
  const file = join(opts.workDir, `${opts.name}.yaml`);
  writeFileSync(file, stringify({ ...config, policies }));
  return file;
}
