import fs from 'node:fs';
import type { ChildServer } from './child-server.js';
import { pickFreePort } from './free-port.js';
import type { Contender, UnavailableContender } from './measure-contenders.js';
import type { Route } from './open-tunnel.js';
import { scrapeMetrics } from '../scrape-metrics.js';
import { startEgressgate, type EgressgateSetup } from './start-egressgate.js';

export interface EgressgateContenders {
  readonly contenders: readonly Contender[];
  readonly unavailable: readonly UnavailableContender[];
  /** Admin ports of the running ones, for a /metrics sample after the run. */
  readonly adminPorts: readonly number[];
}

type Ports = Pick<EgressgateSetup, 'explicitPort' | 'transparentTlsPort' | 'adminPort'>;

/**
 * egressgate once per relay (`relay: js`, `relay: native` in its config file), plus the baseline
 * builds BENCH_EGRESSGATE_BASELINE names (comma-separated CLI paths). A build that rejects the key, or that runs another relay
 * than the one asked for (it says which in its start-up log or egressgate_info), is listed as
 * unavailable rather than failing the run; when neither relay is available the build runs with its
 * default as `egressgate`.
 */
export async function startEgressgateContenders(
  workDir: string,
  upstreamPort: number,
  routeOf: (ports: Ports) => Route,
  started: (server: ChildServer) => void,
): Promise<EgressgateContenders> {
  const contenders: Contender[] = [];
  const unavailable: UnavailableContender[] = [];
  const adminPorts: number[] = [];
  const run = async (name: string, extra: Partial<EgressgateSetup>): Promise<string | null> => {
    const ports = {
      explicitPort: await pickFreePort(),
      transparentTlsPort: await pickFreePort(),
      adminPort: await pickFreePort(),
    };
    let server: Awaited<ReturnType<typeof startEgressgate>>;
    try {
      server = await startEgressgate(workDir, { ...ports, upstreamPort, name, ...extra });
    } catch (err) {
      return firstLine(err instanceof Error ? err.message : String(err));
    }
    started(server);
    const relay = await reportedRelay(server.logFile, ports.adminPort);
    if (extra.relay !== undefined && relay !== null && relay !== extra.relay) {
      await server.stop();
      return `asked for relay: ${extra.relay}, the build runs ${relay}`;
    }
    contenders.push({ name, pid: server.pid, route: routeOf(ports) });
    adminPorts.push(ports.adminPort);
    return null;
  };
  for (const relay of ['js', 'native'] as const) {
    const why = await run(`egressgate-${relay}`, { relay });
    if (why !== null) unavailable.push({ name: `egressgate-${relay}`, unavailable: why });
  }
  if (contenders.length === 0) {
    const why = await run('egressgate', {});
    if (why !== null) unavailable.push({ name: 'egressgate', unavailable: why });
  }
  // Comma-separated: several builds (egressgate-baseline, egressgate-baseline-2, …) for an A/B/C.
  const baselines = (process.env.BENCH_EGRESSGATE_BASELINE ?? '').split(',').filter((e) => e !== '');
  for (const [i, entry] of baselines.entries()) {
    const name = i === 0 ? 'egressgate-baseline' : `egressgate-baseline-${i + 1}`;
    const why = await run(name, { entry });
    if (why !== null) unavailable.push({ name, unavailable: why });
  }
  return { contenders, unavailable, adminPorts };
}

/** The relay a running egressgate names in its start-up log or its egressgate_info labels; null if it names none. */
async function reportedRelay(logFile: string, adminPort: number): Promise<string | null> {
  const metrics = await scrapeMetrics(adminPort).catch(() => '');
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(0, 20_000) : '';
  return /"?relay"?\s*[:=]\s*"(js|native)"/.exec(`${metrics}\n${log}`)?.[1] ?? null;
}

function firstLine(message: string): string {
  const meaningful = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /relay|config|error/i.test(l));
  return (meaningful[0] ?? message.split('\n')[0] ?? message).slice(0, 200);
}
