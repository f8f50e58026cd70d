import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { createDockerignoreFilter } from './dockerignore-filter.js';
import { findStage, parseDockerfile, splitRunCommands } from './parse-dockerfile.js';
import type { DockerInstruction, DockerStage } from './parse-dockerfile.js';

const execFileAsync = promisify(execFile);

/** What the emulated runtime stage produced: its /app, a PATH dir with its bin links, its ENV. */
export interface EmulatedImage {
  readonly appDir: string;
  readonly binDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly runtime: DockerStage;
}

interface StageDirs {
  readonly contextDir: string;
  readonly stageDir: string;
  readonly workdir: string;
  readonly fromStages: ReadonlyMap<string, { dir: string; workdir: string }>;
  readonly include: (relPath: string) => boolean;
}

/**
 * Replays the Dockerfile without a Docker engine: the `build` stage in a temporary directory with
 * the checkout's dev dependencies, then the `runtime` stage from exactly what its COPY lines bring,
 * with a real `npm ci --omit=dev`. Commands it does not know fail, so the Dockerfile and this
 * emulation cannot drift apart silently.
 */
export async function emulateImage(contextDir: string, workDir: string): Promise<EmulatedImage> {
  const stages = parseDockerfile(readFileSync(join(contextDir, 'Dockerfile'), 'utf8'));
  const include = createDockerignoreFilter(readFileSync(join(contextDir, '.dockerignore'), 'utf8'));
  const build = findStage(stages, 'build');
  const runtime = findStage(stages, 'runtime');
  const buildDir = join(workDir, 'build');
  const appDir = join(workDir, 'runtime');
  const binDir = join(workDir, 'bin');
  for (const d of [buildDir, appDir, binDir]) mkdirSync(d, { recursive: true });

  const buildWorkdir = workdirOf(build);
  await replayStage(
    build,
    { contextDir, stageDir: buildDir, workdir: buildWorkdir, fromStages: new Map(), include },
    binDir,
  );
  const env = await replayStage(
    runtime,
    {
      contextDir,
      stageDir: appDir,
      workdir: workdirOf(runtime),
      fromStages: new Map([['build', { dir: buildDir, workdir: buildWorkdir }]]),
      include,
    },
    binDir,
  );
  return { appDir, binDir, env, runtime };
}

function workdirOf(stage: DockerStage): string {
  const workdirs = stage.instructions.filter((i) => i.keyword === 'WORKDIR');
  if (workdirs.length !== 1) throw new Error(`stage ${stage.name}: expected exactly one WORKDIR`);
  return workdirs[0]!.args[0]!;
}

async function replayStage(
  stage: DockerStage,
  dirs: StageDirs,
  binDir: string,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const ins of stage.instructions) {
    if (ins.keyword === 'COPY') copyInstruction(ins, dirs);
    // ENV is kept for the entrypoint, not applied to RUN: the build stage's ENV points node-gyp at
    // the base image's headers, which this machine keeps elsewhere.
    else if (ins.keyword === 'ENV') Object.assign(env, parseEnv(ins));
    else if (ins.keyword === 'RUN') {
      for (const command of splitRunCommands(ins.raw)) await runCommand(command, dirs, binDir, stage.name);
    }
  }
  return env;
}

function copyInstruction(ins: DockerInstruction, dirs: StageDirs): void {
  const sources = ins.args.slice(0, -1);
  const dest = ins.args.at(-1);
  if (!dest || sources.length === 0)
    throw new Error(`line ${ins.line}: COPY needs a source and a destination`);
  const from = ins.flags.from;
  const destPath = mapPath(posix.resolve(dirs.workdir, dest), dirs.workdir, dirs.stageDir, ins.line);
  const intoDir = dest.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    if (/[*?[]/.test(source)) throw new Error(`line ${ins.line}: wildcards in COPY are not emulated`);
    let srcPath: string;
    let filter: (abs: string) => boolean = () => true;
    if (from) {
      const stage = dirs.fromStages.get(from);
      if (!stage) throw new Error(`line ${ins.line}: COPY --from=${from}: unknown stage`);
      srcPath = mapPath(posix.resolve(stage.workdir, source), stage.workdir, stage.dir, ins.line);
    } else {
      srcPath = join(dirs.contextDir, source);
      filter = (abs) => dirs.include(relative(dirs.contextDir, abs).split('\\').join('/'));
      if (!filter(srcPath)) throw new Error(`line ${ins.line}: ${source} is excluded by .dockerignore`);
    }
    if (!existsSync(srcPath)) throw new Error(`line ${ins.line}: COPY source ${source} does not exist`);
    const isDir = lstatSync(srcPath).isDirectory();
    const target = isDir || !intoDir ? destPath : join(destPath, basename(srcPath));
    mkdirSync(isDir ? target : dirname(target), { recursive: true });
    if (isDir) {
      for (const entry of readdirSync(srcPath)) {
        cpSync(join(srcPath, entry), join(target, entry), { recursive: true, filter: (s) => filter(s) });
      }
    } else cpSync(srcPath, target);
  }
}

/** Maps an absolute path inside the image onto the emulated stage directory (only WORKDIR is emulated). */
function mapPath(imagePath: string, workdir: string, stageDir: string, line: number): string {
  const rel = posix.relative(workdir, imagePath);
  if (rel.startsWith('..')) throw new Error(`line ${line}: ${imagePath} is outside ${workdir}, not emulated`);
  return join(stageDir, rel);
}

function parseEnv(ins: DockerInstruction): Record<string, string> {
  const env: Record<string, string> = {};
  for (const word of ins.args) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new Error(`line ${ins.line}: only ENV KEY=VALUE is emulated`);
    env[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return env;
}

async function runCommand(command: string, dirs: StageDirs, binDir: string, stage: string): Promise<void> {
  const words = command.split(/\s+/);
  const skip = [/^apt-get /, /^rm -rf \/var\/lib\/apt\/lists/, /^groupadd /, /^useradd /, /^npm cache clean/];
  // System packages and users are the base image's business; cleaning the npm cache here would wipe the developer's.
  if (skip.some((re) => re.test(command))) return;
  if (stage === 'build' && /^npm ci\b/.test(command)) {
    // The checkout's node_modules is that same lockfile installed with dev dependencies.
    symlinkSync(join(dirs.contextDir, 'node_modules'), join(dirs.stageDir, 'node_modules'), 'dir');
    return;
  }
  if (words[0] === 'ln' && words[1] === '-s' && words.length === 4) {
    const [, , target, link] = words as [string, string, string, string];
    if (posix.dirname(link) !== '/usr/local/bin') throw new Error(`ln -s into ${link} is not emulated`);
    symlinkSync(mapPath(target, dirs.workdir, dirs.stageDir, 0), join(binDir, posix.basename(link)));
    return;
  }
  const known = [
    /^npm ci\b/,
    /^npm run [a-z:-]+$/,
    /^node scripts\/[a-z-]+\.mjs$/,
    /^test -f \S+$/,
    /^chmod [0-7]{3,4} \S+$/,
  ];
  if (!known.some((re) => re.test(command)))
    throw new Error(`stage ${stage}: RUN "${command}" is not emulated`);
  try {
    await execFileAsync('sh', ['-c', command], { cwd: dirs.stageDir, env: cleanEnv(), maxBuffer: 16 << 20 });
  } catch (err) {
    // tsc reports on stdout: without it the failure would only say which command failed.
    const out = (err as { stdout?: string }).stdout ?? '';
    throw new Error(`stage ${stage}: RUN "${command}" failed\n${out.slice(-4000)}${(err as Error).message}`);
  }
}

/** The environment without the npm_* variables of an enclosing `npm test`: a docker build has none. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}
