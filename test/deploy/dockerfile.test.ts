import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allOnValuesFile } from './chart-paths.js';
import { chartedMetrics } from './charted-metrics.js';
import { connectStatus } from './connect-status.js';
import { createDockerignoreFilter } from './dockerignore-filter.js';
import { emulateImage } from './emulate-image.js';
import type { EmulatedImage } from './emulate-image.js';
import { ensureHelm } from './ensure-helm.js';
import { findStage, parseDockerfile } from './parse-dockerfile.js';
import { startImageServe } from './start-image-serve.js';
import { writeChartConfig } from './write-chart-config.js';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const stages = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const runtime = findStage(stages, 'runtime');
/** Whether this machine lets the test build a private mount namespace (root with CAP_SYS_ADMIN). */
const canUnshareMounts = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0;
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

function instructions(keyword: string): string[][] {
  return runtime.instructions.filter((i) => i.keyword === keyword).map((i) => [...i.args]);
}

describe('Dockerfile', () => {
  it('builds on a pinned Node 20 release in both stages and ends with the runtime stage', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const stage of stages)
      expect(stage.image).toMatch(/^node:20\.\d+\.\d+-[a-z]+(-slim)?(@sha256:[0-9a-f]{64})?$/);
  });

  it('runs as a numeric non-root user with the documented ports, entrypoint and command', () => {
    const users = instructions('USER');
    expect(users).toHaveLength(1);
    const [uid] = users[0]![0]!.split(':');
    expect(Number(uid)).toBeGreaterThan(0);
    expect(instructions('EXPOSE').flat().sort()).toEqual(['15001', '15002', '3128', '9090']);
    expect(instructions('ENTRYPOINT')).toEqual([['egressgate']]);
    expect(instructions('CMD')).toEqual([['serve', '--config', '/etc/egressgate/config.yaml']]);
  });

  it('installs only production dependencies in the runtime stage', () => {
    const runs = runtime.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.raw);
    expect(runs.some((r) => /npm ci --omit=dev --ignore-scripts/.test(r))).toBe(true);
    expect(runs.some((r) => /apt-get|npm (install|run)/.test(r))).toBe(false);
  });

  it('sends every context file the Dockerfile copies, and no build output, to the build', () => {
    const include = createDockerignoreFilter(readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));
    const contextSources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.flags.from)
      .flatMap((i) => i.args.slice(0, -1));
    for (const source of contextSources) expect(include(source), source).toBe(true);
    for (const excluded of [
      'node_modules/x',
      'dist/cli/main.js',
      'native/build/Release/x.node',
      '.git/HEAD',
      'test/a.ts',
    ]) {
      expect(include(excluded), excluded).toBe(false);
    }
  });
});

// Replays both stages for real; `npm ci --omit=dev` needs the npm registry, hence the long timeouts.
describe('Dockerfile runtime stage, emulated without a Docker engine', () => {
  let workDir: string;
  let image: EmulatedImage;
  let helm: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'egressgate-image-'));
    [image, helm] = await Promise.all([emulateImage(repoRoot, workDir), ensureHelm()]);
  }, 300_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  // Only the image's own files: PATH has the emulated /usr/local/bin and node, cwd is outside the checkout.
  function imageEnv(): Record<string, string> {
    return {
      PATH: `${image.binDir}:${dirname(process.execPath)}:/usr/bin:/bin`,
      ...image.env,
      HOME: join(workDir, 'home'),
    };
  }

  async function runEntrypoint(args: string[]): Promise<{ stdout: string; stderr: string }> {
    return execFileAsync('egressgate', args, { cwd: workDir, env: imageEnv(), timeout: 60_000 });
  }

  it('has an executable egressgate on PATH that prints the package version', async () => {
    const { stdout } = await runEntrypoint(['--version']);
    expect(stdout.trim()).toBe(pkg.version);
    expect(statSync(join(image.appDir, 'dist/cli/main.js')).mode & 0o111).not.toBe(0);
  });

  it('decides with the shipped profiles: allow exits 0, deny exits 1', async () => {
    const allowed = await runEntrypoint([
      'check',
      '--profile',
      'azure-stack-hub',
      'management.azure.com:443',
    ]);
    expect(allowed.stdout).toMatch(/^allow management\.azure\.com:443 azure-stack-hub\//);
    await expect(
      runEntrypoint(['check', '--profile', 'azure-stack-hub', 'example.com:443']),
    ).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('deny example.com:443 no_matching_rule') as unknown,
    });
  });

  it('puts the SO_ORIGINAL_DST addon where dist/net/original-destination.js loads it from', async () => {
    const module = join(image.appDir, 'dist/net/original-destination.js');
    const script = `const m = await import(${JSON.stringify(module)}); console.log(m.isOriginalDestinationAvailable());`;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: workDir,
    });
    expect(stdout.trim()).toBe('true');
  });

  it('ships only production dependencies', () => {
    const lock = JSON.parse(readFileSync(join(image.appDir, 'node_modules/.package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const names = Object.keys(lock.packages);
    expect(names).toContain('node_modules/pino');
    expect(names.filter((n) => lock.packages[n]?.dev)).toEqual([]);
    expect(names).not.toContain('node_modules/typescript');
  });

  const writeConfig = (name: string, opts: { valuesFiles?: string[]; set?: string[] }): Promise<string> =>
    writeChartConfig({ helm, appDir: image.appDir, workDir, name, ...opts });

  // The chart's ports are fixed (0.0.0.0:3128 ...); tests bind loopback port 0 through the flags that override them.
  const loopbackFlags = [
    ...['--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'],
    ...['--transparent-tls', '127.0.0.1:0=443', '--transparent-http', '127.0.0.1:0=80'],
  ];

  it("serves the chart's config: ready, denies by policy, exports the charted metrics, drains on SIGTERM", async () => {
    const config = await writeConfig('default', { set: ['transparent.enabled=true'] });
    const serve = await startImageServe(['serve', '--config', config, ...loopbackFlags], {
      cwd: workDir,
      env: imageEnv(),
    });
    try {
      const admin = `http://127.0.0.1:${serve.adminPort}`;
      expect((await fetch(`${admin}/healthz`)).status).toBe(200);
      expect((await fetch(`${admin}/readyz`)).status).toBe(200);
      expect(await connectStatus(serve.proxyPort, 'example.com:443')).toMatch(/^HTTP\/1\.1 403 /);
      const decision = await serve.waitForLine((l) => l.msg === 'decision');
      expect(decision).toMatchObject({
        decision: 'deny',
        host: 'example.com',
        port: 443,
        reason: 'no_matching_rule',
      });
      const metrics = await (await fetch(`${admin}/metrics`)).text();
      for (const name of chartedMetrics) expect(metrics, name).toContain(`# TYPE ${name} `);
      expect(metrics).toMatch(/egressgate_decisions_total\{[^}]*decision="deny"[^}]*\} 1/);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
  });

  it('starts with the all-options config (custom profiles, client groups with proxy users, transparent listeners)', async () => {
    const config = await writeConfig('all-on', { valuesFiles: [allOnValuesFile] });
    const env = { ...imageEnv(), EGRESSGATE_PROXY_PASSWORD_ARC: 'not-a-secret' };
    const serve = await startImageServe(['serve', '--config', config, ...loopbackFlags], {
      cwd: workDir,
      env,
    });
    try {
      expect((await fetch(`http://127.0.0.1:${serve.adminPort}/readyz`)).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
  });

  // As the pod runs it: everything read-only (the root bind-remounted in a private mount namespace)
  // but a fresh tmpfs standing in for the /tmp emptyDir, which is also HOME.
  it.skipIf(!canUnshareMounts)('serves with a read-only root filesystem and only /tmp writable', async () => {
    const config = await writeConfig('read-only', {});
    const podTmp = join(workDir, 'pod-tmp');
    mkdirSync(podTmp);
    const script = [
      'mount -o remount,bind,ro /',
      'mount -t tmpfs -o size=64m tmpfs "$0"',
      // Proves the remount took: the work directory is writable outside the namespace.
      `if touch ${JSON.stringify(join(workDir, 'rw-probe'))} 2>/dev/null; then echo 'root still writable' >&2; exit 97; fi`,
      'exec "$@"',
    ].join(' && ');
    const prefix = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, podTmp];
    const env = { ...imageEnv(), HOME: podTmp, TMPDIR: podTmp };
    const serve = await startImageServe(['serve', '--config', config, ...loopbackFlags], {
      cwd: podTmp,
      env,
      prefix,
    });
    try {
      expect((await fetch(`http://127.0.0.1:${serve.adminPort}/readyz`)).status).toBe(200);
      expect(await connectStatus(serve.proxyPort, 'example.com:443')).toMatch(/^HTTP\/1\.1 403 /);
      await serve.waitForLine((l) => l.msg === 'decision' && l.decision === 'deny');
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
  });
});
