import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildServer, type ChildServer } from './proxy/child-server.js';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

export interface EgressgateLaunch {
  /** Its name in tables and errors, and its directory under the work dir (several may run side by side). */
  readonly name: string;
  /** The serve config file's content, written as JSON (which YAML reads). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Ports the config binds: the process counts as up once each accepts (older builds print no banner). */
  readonly ports: readonly number[];
  /**
   * The CLI to run: a built main.js (a baseline build, for before/after), a `.ts` file or `tsx` for the
   * sources through tsx (about 10% more CPU per connection). Default: BENCH_EGRESSGATE_ENTRY, else the
   * built CLI as shipped (`npm run bench` builds first).
   */
  readonly entry?: string;
  /** Shell commands run first in the gateway's own process (e.g. raising `ulimit -n`). */
  readonly shellPrefix?: string;
}

export interface RunningEgressgate extends ChildServer {
  /** stdout (the decision log) and stderr. */
  readonly logFile: string;
}

/**
 * The real CLI (`serve --config FILE`) in its own process, so it has a core to itself like the peers
 * it is measured against. BENCH_EGRESSGATE_NODE_ARGS adds node flags (a profiler, heap settings).
 */
export async function launchEgressgate(
  workDir: string,
  launch: EgressgateLaunch,
): Promise<RunningEgressgate> {
  const dir = path.join(workDir, launch.name);
  // egressgate watches the config file's directory and reloads on any change in it: the decision log
  // must live elsewhere, or every log write would trigger a reload.
  const configDir = path.join(dir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const configFile = path.join(configDir, 'egressgate.yaml');
  fs.writeFileSync(configFile, `${JSON.stringify(launch.config, null, 2)}\n`);
  const logFile = path.join(dir, 'decisions.log');
  const nodeArgs = [
    ...(process.env.BENCH_EGRESSGATE_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
    ...entryArgs(launch.entry ?? (process.env.BENCH_EGRESSGATE_ENTRY || 'dist/cli/main.js')),
    'serve',
    '--config',
    configFile,
  ];
  const [command, args] =
    launch.shellPrefix === undefined
      ? [process.execPath, nodeArgs]
      : ['sh', ['-c', `${launch.shellPrefix}; exec ${[process.execPath, ...nodeArgs].map(quote).join(' ')}`]];
  const server = await startChildServer({
    name: launch.name,
    command,
    args,
    ports: launch.ports,
    logFile,
    cwd: repoRoot,
  });
  return { ...server, logFile };
}

function entryArgs(entry: string): string[] {
  if (entry === 'tsx') return ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts')];
  const file = path.resolve(repoRoot, entry);
  return file.endsWith('.ts') ? ['--import', 'tsx', file] : [file];
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}
