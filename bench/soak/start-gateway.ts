import path from 'node:path';
import { selectRelay } from '../../src/net/select-relay.js';
import { launchEgressgate, repoRoot } from '../launch-egressgate.js';
import { pickFreePort } from '../proxy/free-port.js';
import { scrapeMetrics, sumMetric } from '../scrape-metrics.js';

export interface Gateway {
  readonly pid: number;
  readonly port: number;
  readonly adminPort: number;
  /** The relay in force: js when asked for or when the addon is not built (same rule as the app). */
  readonly relay: string;
  /** Sum of egressgate_active_connections over all listeners, read from /metrics. */
  activeConnections(): Promise<number>;
  /** Reads one counter or gauge (summed over its series) from /metrics. */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The real CLI (`serve --config`) in its own process with `ulimit -n` raised, so 10,000 tunnels
 * (20,000 sockets) fit. Logging at warn: the bench measures the proxy, not pino writing to a pipe.
 */
export async function startGateway(
  workDir: string,
  options: {
    readonly connectTo: readonly string[];
    readonly maxConnections: number;
    readonly raiseNofile: string;
    /** The CLI entry: a compiled main.js (what production runs), or the TypeScript source through tsx. */
    readonly entry: string;
    readonly relay?: 'native' | 'js';
  },
): Promise<Gateway> {
  const port = await pickFreePort();
  const adminPort = await pickFreePort();
  const server = await launchEgressgate(workDir, {
    name: 'soak-gateway',
    config: {
      listen: `127.0.0.1:${port}`,
      admin: `127.0.0.1:${adminPort}`,
      policies: path.join(repoRoot, 'bench/soak/policies'),
      profiles: ['soak'],
      connectTo: options.connectTo,
      limits: { maxConnections: options.maxConnections },
      log: { level: 'warn' },
      ...(options.relay === undefined ? {} : { relay: options.relay }),
    },
    ports: [port, adminPort],
    entry: options.entry,
    shellPrefix: options.raiseNofile,
  });
  const metric = async (name: string): Promise<number> => sumMetric(await scrapeMetrics(adminPort), name);
  return {
    pid: server.pid,
    port,
    adminPort,
    relay: selectRelay(options.relay ?? null).kind,
    activeConnections: () => metric('egressgate_active_connections'),
    metric,
    stop: () => server.stop(),
  };
}
