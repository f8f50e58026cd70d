/**
 * One worker process of `workers: N` (forked by the primary, never run by hand): the whole gateway
 * minus the admin server, listening on its own SO_REUSEPORT sockets, driven over the IPC channel.
 */
import process from 'node:process';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { createApp, type App } from '../app.js';
import { readProxyPasswords } from '../config/read-proxy-passwords.js';
import { loadReusePortSocket } from '../net/reuse-port-socket.js';
import { createLogger, isLogLevel } from '../observe/create-logger.js';
import { DeniedTracker } from '../observe/denied-tracker.js';
import { createShutdown, type Shutdown } from '../reload/create-shutdown.js';
import { toWorkerError, type FromWorker, type ToWorker } from './worker-messages.js';

// The backlog Node's own listen() uses.
const BACKLOG = 511;

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

// Reload and drain come from the primary. A terminal's Ctrl-C reaches the whole process group, and
// the default action would kill this worker mid-drain, so the signals are taken and left to the primary.
for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);

let app: App | null = null;
let logger: Logger | null = null;
let registry: Registry | null = null;
let denied: DeniedTracker | null = null;
let shutdown: Shutdown | null = null;

async function start(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { settings } = message;
  process.title = `egressgate worker ${message.index}`;
  const level = isLogLevel(message.logLevel) ? message.logLevel : 'info';
  logger = createLogger({ level, pretty: message.pretty });
  const open = loadReusePortSocket();
  if (open === null) throw new Error('the native addon with reusePortSocket is not built');
  registry = new Registry();
  denied = new DeniedTracker(1_000, () => Date.now());
  app = createApp({
    config: settings,
    logger,
    registry,
    denied,
    passwords: readProxyPasswords(settings.groups, process.env),
    listenFd: (address) => open(address.host, address.port, BACKLOG).fd,
    ownAddresses: message.ownAddresses,
  });
  const running = app;
  shutdown = createShutdown({
    drain: (ms) => running.drain(ms),
    stop: () => running.stop(),
    drainTimeoutMs: settings.drainTimeoutMs,
    logger,
  });
  await app.start();
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'start':
      try {
        await start(message);
        send({ type: 'ready' });
      } catch (err) {
        send({ type: 'start_failed', error: toWorkerError(err) });
        await app?.stop().catch(() => undefined);
        exit(1);
      }
      return;
    case 'reload':
      try {
        await app?.reloadPolicy(message.source);
        send({ type: 'reloaded', id: message.id, error: null });
      } catch (err) {
        send({ type: 'reloaded', id: message.id, error: toWorkerError(err) });
      }
      return;
    case 'metrics':
      send({ type: 'metrics', id: message.id, metrics: (await registry?.getMetricsAsJSON()) ?? [] });
      return;
    case 'denied':
      send({ type: 'denied', id: message.id, denied: denied?.snapshot() ?? null });
      return;
    case 'drain':
    case 'stop':
      await drainAndExit(message.signal);
      return;
  }
}

/** The first call drains (settings.drainTimeoutMs); a second one cuts the drain short, like a second signal. */
async function drainAndExit(signal: string): Promise<void> {
  if (shutdown === null) exit(0);
  else {
    await shutdown.shutdown(signal);
    exit(0);
  }
}

// Time a last flush may take before the worker exits regardless (the primary may be gone).
const FLUSH_ON_EXIT_MS = 2_000;

function exit(code: number): void {
  // pino's exit-time flushSync writes only lines not yet handed to libuv's thread pool; a batch that
  // is with the pool when process.exit runs is lost (a worker's last close lines, under load). Wait
  // for the destination to drain first.
  if (logger === null) process.exit(code);
  setTimeout(() => process.exit(code), FLUSH_ON_EXIT_MS).unref();
  logger.flush(() => process.exit(code));
}

// A reload sent while this worker is still starting must apply after the start's own policy load,
// or the older policy could land last; start and reload therefore run one after the other.
let policyQueue: Promise<void> = Promise.resolve();

process.on('message', (message: ToWorker) => {
  const run = (): Promise<void> =>
    handle(message).catch((err: unknown) => {
      logger?.error({ event: 'worker_error', error: (err as Error).message }, 'worker command failed');
    });
  if (message.type === 'start' || message.type === 'reload') policyQueue = policyQueue.then(run);
  else void run();
});

// The primary is gone (killed): nobody can reload or drain this worker any more, so it drains itself.
process.on('disconnect', () => void drainAndExit('disconnect'));
