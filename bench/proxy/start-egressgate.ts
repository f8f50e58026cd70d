import path from 'node:path';
import { launchEgressgate, repoRoot, type RunningEgressgate } from '../launch-egressgate.js';

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

/**
 * egressgate with a production-like setup for the proxy suites: a real shipped profile, the decision log
 * as JSON lines to a file (pino's asynchronous destination on stdout), metrics on the admin listener.
 */
export function startEgressgate(
  workDir: string,
  setup: EgressgateSetup,
  workers = 1,
): Promise<RunningEgressgate> {
  return launchEgressgate(workDir, {
    name: setup.name ?? (workers === 1 ? 'egressgate' : `egressgate-${workers}-workers`),
    config: {
      listen: `127.0.0.1:${setup.explicitPort}`,
      admin: `127.0.0.1:${setup.adminPort}`,
      transparentTls: [`127.0.0.1:${setup.transparentTlsPort}=443`],
      policies: path.join(repoRoot, 'policies'),
      profiles: ['azure-arc-kubernetes'],
      parameters: { region: 'westeurope' },
      mode: 'enforce',
      connectTo: [`management.azure.com:443:127.0.0.1:${setup.upstreamPort}`],
      limits: { maxConnections: 20000 },
      workers,
      // BENCH_EGRESSGATE_LOG_LEVEL=warn drops the per-connection lines: a diagnostic for logging's cost.
      log: { level: process.env.BENCH_EGRESSGATE_LOG_LEVEL ?? 'info' },
      ...(setup.relay === undefined ? {} : { relay: setup.relay }),
    },
    ports: [setup.explicitPort, setup.transparentTlsPort, setup.adminPort],
    ...(setup.entry === undefined ? {} : { entry: setup.entry }),
  });
}
