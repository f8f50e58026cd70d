import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type LevelWithSilent, type Logger } from 'pino';
import { AggregatorRegistry, Registry } from 'prom-client';
import type { AppAddresses, PolicySource } from '../app.js';
import { ConfigError } from '../config/config-error.js';
import type { ServeSettings } from '../config/serve-settings.js';
import { loadReusePortSocket } from '../net/reuse-port-socket.js';
import { createAdminServer } from '../observe/create-admin-server.js';
import { createLogger } from '../observe/create-logger.js';
import type { LogOutput } from '../observe/create-log-output.js';
import { createMetrics } from '../observe/create-metrics.js';
import { superviseApp } from '../reload/supervise-app.js';
import { createWorkerMetrics } from './create-worker-metrics.js';
import { mergeDeniedSnapshots } from './merge-denied-snapshots.js';
import type { LineSink } from './relay-lines.js';
import { reserveListenPorts } from './reserve-listen-ports.js';
import { createRestartBudget } from './restart-budget.js';
import { createWorkerPool } from './worker-pool.js';
import { fromWorkerError, type WorkerError } from './worker-messages.js';

export interface ServeWithWorkersOptions {
  readonly settings: ServeSettings;
  readonly logLevel: LevelWithSilent;
  readonly pretty: boolean;
  /** The client groups and policies dir for a reload: the config file read again. */
  readonly readSource: () => Promise<PolicySource>;
  readonly watchDirs: readonly string[];
  /** Prints the banner and the start line once every worker listens. */
  readonly announce: (addresses: AppAddresses, logger: Logger) => void;
  /** `log.destination` file or syslog: every line (the primary's and the workers') goes there. */
  readonly output?: LogOutput;
}

// .ts under tsx (tests, development), .js in dist/.
const WORKER_ENTRY = fileURLToPath(
  new URL(`./run-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);
// A scrape or /denied must not hang on a worker that stopped answering.
const COLLECT_TIMEOUT_MS = 5_000;
const RELOAD_TIMEOUT_MS = 60_000;
// Past the drain timeout, a worker that still has not exited is killed.
const EXIT_GRACE_MS = 10_000;

/**
 * The primary of `workers: N`: it binds nothing that accepts proxy traffic. It holds the ports, runs
 * the admin server (metrics summed over the workers, /readyz only when every worker listens), relays
 * the workers' log lines to its stdout, restarts a worker that dies, and turns SIGHUP, file changes
 * and SIGTERM into commands every worker gets. Resolves with the exit code once stopped.
 */
export async function serveWithWorkers(options: ServeWithWorkersOptions): Promise<number> {
  const { settings } = options;
  const open = loadReusePortSocket();
  if (open === null) {
    throw new ConfigError(
      `workers: ${settings.workers} needs the native addon (native/, built by npm install on Linux with a C compiler) to share the ports with SO_REUSEPORT; build it or set workers: 1`,
    );
  }
  const stream = options.output?.stream ?? null;
  const sink: LineSink =
    stream === null ? createStdoutSink(options.pretty) : { write: (line) => stream.write(line.toString()) };
  const logger =
    options.pretty && stream === null
      ? createLogger({ level: options.logLevel, pretty: true })
      : createLogger({
          level: options.logLevel,
          destination: { write: (line) => sink.write(Buffer.from(line)) },
        });
  const registry = new Registry();
  const metrics = createMetrics(registry, { deniedTopN: settings.deniedTopN });
  const reserved = await reserveListenPorts(settings, open);
  let source: PolicySource = settings;
  let draining = false;
  let clean = true;
  let stopGateway: (reason: string) => void = () => undefined;
  let adminAddress: AddressInfo | null = null;

  const pool = createWorkerPool({
    count: settings.workers,
    entry: WORKER_ENTRY,
    startMessage: (index) => ({
      type: 'start',
      index,
      settings: {
        ...reserved.settings,
        admin: null,
        groups: source.groups,
        policiesDir: source.policiesDir,
        serviceTags: source.serviceTags,
      },
      ownAddresses: adminAddress === null ? [] : [{ address: adminAddress.address, port: adminAddress.port }],
      logLevel: options.logLevel,
      pretty: options.pretty,
    }),
    sink,
    logger,
    metrics: createWorkerMetrics(registry),
    budget: createRestartBudget(),
    onCrashLoop: () => {
      clean = false;
      stopGateway('workers keep exiting');
    },
  });
  const admin =
    settings.admin === null
      ? null
      : createAdminServer({
          registry: {
            contentType: registry.contentType,
            async metrics() {
              const replies = await pool.request((id) => ({ type: 'metrics', id }), COLLECT_TIMEOUT_MS);
              const all = [await registry.getMetricsAsJSON()];
              for (const r of replies) if (r?.type === 'metrics') all.push([...r.metrics]);
              return AggregatorRegistry.aggregate(all).metrics();
            },
          },
          readiness: () => !draining && pool.allReady(),
          policyInfo: () => source.groups,
          denied: {
            async snapshot() {
              const replies = await pool.request((id) => ({ type: 'denied', id }), COLLECT_TIMEOUT_MS);
              return mergeDeniedSnapshots(
                replies.flatMap((r) => (r?.type === 'denied' && r.denied !== null ? [r.denied] : [])),
              );
            },
          },
        });
  try {
    if (admin !== null && settings.admin !== null) adminAddress = await admin.listen(settings.admin);
    await pool.start();
  } catch (err) {
    await admin?.close();
    reserved.release();
    throw err;
  }
  options.announce(
    {
      listen: toAddressInfo(reserved.settings.listen),
      admin: adminAddress,
      transparentTls: reserved.settings.transparentTls.map(toAddressInfo),
      transparentHttp: reserved.settings.transparentHttp.map(toAddressInfo),
      transparentTcp: reserved.settings.transparentTcp.map(toAddressInfo),
    },
    logger,
  );

  const stopWorkers = async (signal: string, cutShort: boolean): Promise<void> => {
    const guard = setTimeout(() => {
      logger.error({ event: 'shutdown', signal, workers: pool.pids() }, 'workers did not exit; killing them');
      pool.kill();
    }, settings.drainTimeoutMs + EXIT_GRACE_MS);
    if (!(await pool.shutdown(signal, cutShort))) clean = false;
    clearTimeout(guard);
  };
  const supervisor = superviseApp({
    app: {
      async reloadPolicy() {
        const next = await options.readSource();
        await reloadWorkers(next);
        source = next;
      },
      async drain(_ms, signal) {
        draining = true;
        await stopWorkers(signal, false);
      },
      async stop() {
        draining = true;
        await stopWorkers('stop', true);
        await admin?.close();
        reserved.release();
      },
    },
    logger,
    drainTimeoutMs: settings.drainTimeoutMs,
    watchDirs: options.watchDirs,
    metrics,
    stderr: process.stderr,
    ...(stream === null || options.output === undefined
      ? {}
      : { reopenLogs: () => options.output?.reopen() }),
  });
  stopGateway = (reason) => void supervisor.shutdown(reason);

  /** Every worker loads the new policy itself; the reload counts as failed if any worker refused it. */
  async function reloadWorkers(next: PolicySource): Promise<void> {
    const policy = { groups: next.groups, policiesDir: next.policiesDir, serviceTags: next.serviceTags };
    const send = (): ReturnType<typeof pool.request> =>
      pool.request((id) => ({ type: 'reload', id, source: policy }), RELOAD_TIMEOUT_MS);
    let spawns = pool.spawns();
    let replies = await send();
    // A worker restarted during the broadcast started with the old policy and missed it: once more
    // (the others load the same files again, which changes nothing for them). Restarts are bounded
    // by the restart budget, so this ends.
    while (pool.spawns() !== spawns) {
      spawns = pool.spawns();
      replies = await send();
    }
    const errors: WorkerError[] = [];
    let applied = 0;
    for (const r of replies) {
      if (r?.type !== 'reloaded') continue;
      if (r.error === null) applied += 1;
      else errors.push(r.error);
    }
    const [first] = errors;
    if (first === undefined) return;
    // Only when a file changed between two workers' reads; the watch fires again and they converge.
    if (applied > 0) {
      logger.warn(
        { event: 'policy_reload', result: 'partial', applied, failed: errors.length },
        'some workers took the new policy and some kept the old one',
      );
    }
    throw fromWorkerError(first);
  }

  await supervisor.stopped;
  return clean ? 0 : 1;
}

/**
 * One writer owns stdout: the primary's own lines and the workers' relayed lines share its buffer
 * (batched as createLogger batches stdout; bytes, so relayed lines are never decoded). A terminal
 * gets them at once.
 */
function createStdoutSink(pretty: boolean): LineSink {
  if (pretty) return process.stdout;
  const boom = pino.destination({
    dest: 1,
    sync: false,
    minLength: 4096,
    periodicFlush: 100,
    contentMode: 'buffer',
  });
  // In buffer mode SonicBoom takes Buffers; its type declares strings only.
  return { write: boom.write.bind(boom) as unknown as LineSink['write'] };
}

function toAddressInfo(address: { host: string; port: number }): AddressInfo {
  return { address: address.host, port: address.port, family: address.host.includes(':') ? 'IPv6' : 'IPv4' };
}
