import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerignoreFilter } from './dockerignore-filter.js';
import { emulateImage } from './emulate-image.js';
import type { EmulatedImage } from './emulate-image.js';
import { findStage, parseDockerfile } from './parse-dockerfile.js';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const stages = parseDockerfile(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));
const runtime = findStage(stages, 'runtime');
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

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'egressgate-image-'));
    image = await emulateImage(repoRoot, workDir);
  }, 300_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function runEntrypoint(args: string[]): Promise<{ stdout: string; stderr: string }> {
    // Only the image's own files: PATH has the emulated /usr/local/bin and node, cwd is outside the checkout.
    const env = {
      PATH: `${image.binDir}:${dirname(process.execPath)}:/usr/bin:/bin`,
      ...image.env,
      HOME: join(workDir, 'home'),
    };
    return execFileAsync('egressgate', args, { cwd: workDir, env, timeout: 60_000 });
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
});
