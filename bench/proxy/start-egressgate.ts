import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildServer, type ChildServer } from './child-server.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface EgressgateSetup {
  readonly explicitPort: number;
  readonly transparentTlsPort: number;
  readonly adminPort: number;
  readonly upstreamPort: number;
  /** Directory name under the work dir, so several egressgate processes can run side by side. */
  readonly name?: string;
  /** Written as the config key `relay`; absent = the build's default. */
  readonly relay?: 'js' | 'native';
  /** The CLI to run instead of BENCH_EGRESSGATE_ENTRY (a baseline build, for before/after). */
  readonly entry?: string;
}

export interface RunningEgressgate extends ChildServer {
  readonly logFile: string;
}

/**
 * egressgate in its own process with a production-like setup: a real shipped profile, the decision log
 * as JSON lines to a file (pino's asynchronous destination on stdout), metrics on the admin listener.
 * It runs the built CLI, as shipped (`npm run bench` builds first); BENCH_EGRESSGATE_ENTRY=tsx runs the
 * TypeScript sources through tsx instead (about 10% more CPU per connection).
 */
export async function startEgressgate(
  workDir: string,
  setup: EgressgateSetup,
  workers = 1,
): Promise<RunningEgressgate> {
  const dir = path.join(
    workDir,
    setup.name ?? (workers === 1 ? 'egressgate' : `egressgate-${workers}-workers`),
  );
  // egressgate watches the config file's directory and reloads on any change in it: the decision log
  // must live elsewhere, or every log write would trigger a reload.
  const configDir = path.join(dir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const config = path.join(configDir, 'egressgate.yaml');
  fs.writeFileSync(
    config,
    [
      `listen: 127.0.0.1:${setup.explicitPort}`,
      `admin: 127.0.0.1:${setup.adminPort}`,
      `transparentTls: ["127.0.0.1:${setup.transparentTlsPort}=443"]`,
      `policies: ${JSON.stringify(path.join(repoRoot, 'policies'))}`,
      'profiles: [azure-arc-kubernetes]',
      'parameters: { region: westeurope }',
      'mode: enforce',
      `connectTo: ["management.azure.com:443:127.0.0.1:${setup.upstreamPort}"]`,
      'limits: { maxConnections: 20000 }',
      `workers: ${workers}`,
      // BENCH_EGRESSGATE_LOG_LEVEL=warn drops the per-connection lines: a diagnostic for logging's cost.
      `log: { level: ${process.env.BENCH_EGRESSGATE_LOG_LEVEL ?? 'info'} }`,
      ...(setup.relay === undefined ? [] : [`relay: ${setup.relay}`]),
      '',
    ].join('\n'),
  );
  const chosen = setup.entry ?? (process.env.BENCH_EGRESSGATE_ENTRY || 'dist/cli/main.js');
  const entry = chosen === 'tsx' ? undefined : chosen;
  const logFile = path.join(dir, 'decisions.log');
  const extra = (process.env.BENCH_EGRESSGATE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const args =
    entry === undefined
      ? [...extra, '--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts')]
      : [...extra, path.resolve(repoRoot, entry)];
  const server = await startChildServer({
    name: setup.name ?? 'egressgate',
    command: process.execPath,
    args: [...args, 'serve', '--config', config],
    ports: [setup.explicitPort, setup.transparentTlsPort, setup.adminPort],
    logFile,
    cwd: repoRoot,
  });
  return { ...server, logFile };
}

/** The admin /metrics text, to show the run was counted (and as a sanity check on the figures). */
export async function scrapeMetrics(adminPort: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${adminPort}/metrics`);
  return response.text();
}
