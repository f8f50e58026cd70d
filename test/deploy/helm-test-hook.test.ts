import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { chartDir, repoRoot } from './chart-paths.js';
import { createSourceCliBin } from './create-source-cli-bin.js';
import { ensureHelm } from './ensure-helm.js';
import { dig, pick, renderChart } from './render-chart.js';
import type { K8sObject } from './render-chart.js';
import { startImageServe } from './start-image-serve.js';

// Runs the `helm test` pod's own script (taken from the rendered chart) against a real egressgate
// and against stand-ins that misbehave, so the hook passes and fails when it should.
describe('helm test hook (proxy denies)', () => {
  let helm: string;
  let workDir: string;
  let objects: K8sObject[];

  beforeAll(async () => {
    helm = await ensureHelm();
    workDir = mkdtempSync(join(tmpdir(), 'egressgate-hook-'));
    objects = await renderChart(helm, chartDir);
  }, 240_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const hookPod = (): K8sObject => pick(objects, 'Pod');

  function runHook(port: number): Promise<{ code: number; stdout: string }> {
    const container = dig(hookPod(), 'spec', 'containers', 0);
    const [script] = dig(container, 'args') as [string];
    expect(dig(container, 'command')).toEqual(['node', '-e']);
    const env = { GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port), PATH: dirname(process.execPath) };
    return new Promise((resolve) => {
      execFile('node', ['-e', script], { env, timeout: 20_000 }, (err, stdout) => {
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout });
      });
    });
  }

  async function withServer(onConnection: (socket: Socket) => void, run: (port: number) => Promise<void>) {
    const server: Server = createServer(onConnection);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await run((server.address() as AddressInfo).port);
    } finally {
      server.close();
    }
  }

  it('is a test hook that the gateway Service, PDB and NetworkPolicy do not select', () => {
    const pod = hookPod();
    expect(dig(pod, 'metadata', 'annotations', 'helm.sh/hook')).toBe('test');
    const selector = dig(pick(objects, 'Deployment'), 'spec', 'selector', 'matchLabels') as Record<
      string,
      string
    >;
    const labels = dig(pod, 'metadata', 'labels') as Record<string, string>;
    expect(Object.entries(selector).every(([k, v]) => labels[k] === v)).toBe(false);
    expect(dig(pod, 'spec', 'containers', 0, 'securityContext', 'readOnlyRootFilesystem')).toBe(true);
  });

  it.each(['forbidden', 'reset'])(
    'passes against egressgate serving the chart config (denyStyle %s)',
    async (style) => {
      const rendered = await renderChart(helm, chartDir, { set: [`config.denyStyle=${style}`] });
      const config = parse(String(dig(pick(rendered, 'ConfigMap'), 'data', 'config.yaml'))) as Record<
        string,
        unknown
      >;
      const file = join(workDir, `config-${style}.yaml`);
      writeFileSync(file, stringify({ ...config, policies: join(repoRoot, 'policies') }));
      const env = {
        PATH: `${createSourceCliBin(workDir)}:${dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: workDir,
      };
      const serve = await startImageServe(
        ['serve', '--config', file, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'],
        {
          cwd: workDir,
          env,
        },
      );
      try {
        const result = await runHook(serve.proxyPort);
        expect(result.stdout).toMatch(
          style === 'forbidden' ? /^ok: gateway answered "HTTP\/1\.1 403/ : /^ok: /,
        );
        expect(result.code).toBe(0);
        await serve.waitForLine((l) => l.msg === 'decision' && l.host === 'egressgate-helm-test.invalid');
      } finally {
        serve.child.kill('SIGTERM');
        await serve.exited;
      }
    },
  );

  it('fails when the gateway opens the tunnel', async () => {
    await withServer(
      (socket) => socket.once('data', () => socket.write('HTTP/1.1 200 Connection established\r\n\r\n')),
      async (port) => {
        const result = await runHook(port);
        expect(result.stdout).toContain('FAILED: gateway answered "HTTP/1.1 200');
        expect(result.code).toBe(1);
      },
    );
  });

  it('passes when the gateway stays silent after the connection (denyStyle drop)', async () => {
    await withServer(
      (socket) => socket.pause(),
      async (port) => {
        const result = await runHook(port);
        expect(result.stdout).toContain('ok: no answer in 5 s (denyStyle drop)');
        expect(result.code).toBe(0);
      },
    );
  });

  it('fails when nothing listens on the gateway port', async () => {
    let freePort = 0;
    await withServer(
      () => undefined,
      (port) => Promise.resolve(void (freePort = port)),
    );
    const result = await runHook(freePort);
    expect(result.stdout).toContain('FAILED: connection error ECONNREFUSED');
    expect(result.code).toBe(1);
  });
});
