import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import { DeniedDestinationsCounter } from './denied-destinations-counter.js';

export interface MetricsOptions {
  /** How many denied destinations get their own label; the rest are counted under host="_other". */
  readonly deniedTopN: number;
  /** Node's process/GC/event-loop metrics; off in tests that build many registries. */
  readonly defaultMetrics?: boolean;
  /** egressgate_build_info labels: the package version and which relay carries the bytes ('js' or 'native'). */
  readonly build?: { readonly version: string; readonly relay: string };
}

export interface PolicyInfoEntry {
  /** Client group name, or "default" for clients outside every group. */
  readonly group: string;
  readonly profiles: readonly string[];
  readonly parameters: Readonly<Record<string, string | readonly string[]>>;
  readonly mode: string;
}

export interface Metrics {
  /** `group` and `rule` are bounded by the config's groups and the loaded profiles' rules. */
  readonly decisions: Counter<'decision' | 'listener' | 'profile' | 'reason' | 'group' | 'rule'>;
  readonly activeConnections: Gauge<'listener'>;
  readonly bytes: Counter<'direction' | 'listener'>;
  readonly upstreamConnectSeconds: Histogram;
  readonly dialErrors: Counter<'error'>;
  readonly policyReloads: Counter<'result'>;
  readonly connectionLimitRejections: Counter<'scope'>;
  readonly deniedDestinations: DeniedDestinationsCounter;
  /** Replaces the egressgate_policy_info series with the policy now in force. */
  setPolicyInfo(entries: readonly PolicyInfoEntry[]): void;
  /** egressgate_policy_last_reload_timestamp_seconds: when the policy now in force was swapped in. */
  setPolicyLoadedAt(epochMs: number): void;
}

/** All egressgate metrics, registered on the app's own Registry (never the prom-client global one). */
export function createMetrics(registry: Registry, options: MetricsOptions): Metrics {
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const decisions = new Counter({
    name: 'egressgate_decisions_total',
    help: 'Connection decisions: allow, deny, or report (would have been denied; report mode let it through).',
    labelNames: ['decision', 'listener', 'profile', 'reason', 'group', 'rule'] as const,
    registers,
  });
  const activeConnections = new Gauge({
    name: 'egressgate_active_connections',
    help: 'Connections with an established upstream that have not closed yet.',
    labelNames: ['listener'] as const,
    registers,
  });
  const bytes = new Counter({
    name: 'egressgate_bytes_total',
    help: 'Bytes relayed, counted when a connection closes: out = client to upstream, in = upstream to client.',
    labelNames: ['direction', 'listener'] as const,
    registers,
  });
  const upstreamConnectSeconds = new Histogram({
    name: 'egressgate_upstream_connect_seconds',
    help: 'Time from the decision to an established upstream TCP connection (DNS included).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const dialErrors = new Counter({
    name: 'egressgate_dial_errors_total',
    help: 'Upstream connection failures by RFC 9209 error type.',
    labelNames: ['error'] as const,
    registers,
  });
  const policyReloads = new Counter({
    name: 'egressgate_policy_reloads_total',
    help: 'Policy reload attempts: success (new policy in force) or failure (old policy kept).',
    labelNames: ['result'] as const,
    registers,
  });
  const connectionLimitRejections = new Counter({
    name: 'egressgate_connection_limit_rejections_total',
    help: 'Connections refused because a connection limit was reached.',
    labelNames: ['scope'] as const,
    registers,
  });
  const policyInfo = new Gauge({
    name: 'egressgate_policy_info',
    help: 'The policy in force: one series per client group with its profiles, parameters and mode; value 1.',
    labelNames: ['group', 'profiles', 'parameters', 'mode'] as const,
    // With workers, every one reports the same series: one policy, not N.
    aggregator: 'max',
    registers,
  });
  const deniedDestinations = new DeniedDestinationsCounter(
    new Counter({
      name: 'egressgate_denied_destinations_total',
      help: `Denied (decision="deny") and report-mode would-be denied (decision="report") destinations; only the top ${options.deniedTopN} by frequency have their own host label, the rest count under host="_other".`,
      labelNames: ['host', 'port', 'decision'] as const,
      registers,
    }),
    options.deniedTopN,
  );
  const buildInfo = new Gauge({
    name: 'egressgate_build_info',
    help: 'Which egressgate runs: package version, relay (js or native) and Node.js version; value 1.',
    labelNames: ['version', 'relay', 'node'] as const,
    registers,
    // Every worker of one process reports the same series: aggregate it to one, not a sum.
    aggregator: 'first',
  });
  buildInfo.set(
    {
      version: options.build?.version ?? 'unknown',
      relay: options.build?.relay ?? 'js',
      node: process.version,
    },
    1,
  );
  const lastReload = new Gauge({
    name: 'egressgate_policy_last_reload_timestamp_seconds',
    help: 'Unix time the policy in force was loaded (start-up or the last successful reload).',
    registers,
    aggregator: 'max',
  });
  // Series that exist from the start, so rate() and absent() work before the first event.
  policyReloads.inc({ result: 'success' }, 0);
  policyReloads.inc({ result: 'failure' }, 0);

  return {
    decisions,
    activeConnections,
    bytes,
    upstreamConnectSeconds,
    dialErrors,
    policyReloads,
    connectionLimitRejections,
    deniedDestinations,
    setPolicyLoadedAt(epochMs) {
      lastReload.set(epochMs / 1000);
    },
    setPolicyInfo(entries) {
      policyInfo.reset();
      for (const e of entries) {
        policyInfo.set(
          {
            group: e.group,
            profiles: e.profiles.join(','),
            parameters: formatParameters(e.parameters),
            mode: e.mode,
          },
          1,
        );
      }
    },
  };
}

function formatParameters(parameters: Readonly<Record<string, string | readonly string[]>>): string {
  return Object.keys(parameters)
    .sort()
    .map((k) => {
      const v = parameters[k];
      return `${k}=${typeof v === 'string' ? v : (v ?? []).join('|')}`;
    })
    .join(',');
}
