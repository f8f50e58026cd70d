import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { chartDir, repoRoot } from './chart-paths.js';
import { createSourceCliBin } from './create-source-cli-bin.js';
import { ensureHelm } from './ensure-helm.js';
import { dig, pick, renderChart } from './render-chart.js';
import { startImageServe } from './start-image-serve.js';
import type { ImageServe } from './start-image-serve.js';
import { writeConfigMapVolume } from './write-configmap-volume.js';

// The chart mounts the config as a ConfigMap volume directory and relies on hot reload: this runs
// egressgate (from source) on the chart's rendered config in a volume that is updated as kubelet does.
describe('chart config hot reload through ConfigMap volume updates', () => {
  let workDir: string;
  let volume: string;
  let serve: ImageServe;
  let renderConfig: (set: string[]) => Promise<string>;

  beforeAll(async () => {
    const helm = await ensureHelm();
    workDir = mkdtempSync(join(tmpdir(), 'egressgate-reload-'));
    volume = join(workDir, 'etc-egressgate');
    renderConfig = async (set) => {
      const objects = await renderChart(helm, chartDir, { set });
      const config = parse(String(dig(pick(objects, 'ConfigMap'), 'data', 'config.yaml'))) as Record<
        string,
        unknown
      >;
      // /app/policies is the image's; from source the shipped profiles are in the checkout.
      expect(config.policies).toBe('/app/policies');
      return stringify({ ...config, policies: join(repoRoot, 'policies') });
    };
    writeConfigMapVolume(volume, { 'config.yaml': await renderConfig([]) });
    const bin = createSourceCliBin(workDir);
    const env = { PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: workDir };
    const args = [
      'serve',
      '--config',
      join(volume, 'config.yaml'),
      '--listen',
      '127.0.0.1:0',
      '--admin',
      '127.0.0.1:0',
    ];
    serve = await startImageServe(args, { cwd: workDir, env });
  }, 240_000);

  afterAll(async () => {
    if (serve) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const policyInfo = async (): Promise<string[]> => {
    const metrics = await (await fetch(`http://127.0.0.1:${serve.adminPort}/metrics`)).text();
    return metrics.split('\n').filter((l) => l.startsWith('egressgate_policy_info{'));
  };
  const reloads = (result: string): Promise<Record<string, unknown>> =>
    serve.waitForLine((l) => l.event === 'policy_reload' && l.result === result);

  it('applies a changed config after the ..data swap, and keeps the policy when the new one is broken', async () => {
    expect((await policyInfo()).join('\n')).toContain('profiles="azure-stack-hub"');

    writeConfigMapVolume(volume, {
      'config.yaml': await renderConfig([
        'config.profiles={azure-arc-kubernetes}',
        'config.parameters.region=westeurope',
      ]),
    });
    await reloads('success');
    const after = (await policyInfo()).join('\n');
    expect(after).toContain('profiles="azure-arc-kubernetes"');
    expect(after).not.toContain('profiles="azure-stack-hub"');

    writeConfigMapVolume(volume, {
      'config.yaml': await renderConfig(['config.profiles={no-such-profile}']),
    });
    const failure = await reloads('failure');
    expect(String(failure.error)).toContain('no-such-profile');
    expect((await policyInfo()).join('\n')).toContain('profiles="azure-arc-kubernetes"');
    expect((await fetch(`http://127.0.0.1:${serve.adminPort}/readyz`)).status).toBe(200);
  });
});
