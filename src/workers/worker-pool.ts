import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import type { WorkerMetrics } from './create-worker-metrics.js';
import { relayLines, type LineSink } from './relay-lines.js';
import type { RestartBudget } from './restart-budget.js';
import { fromWorkerError, type FromWorker, type ToWorker } from './worker-messages.js';

export interface WorkerPoolOptions {
  readonly count: number;
  /** The worker entry module (run-worker.ts under tsx, run-worker.js when built). */
  readonly entry: string;
  /** Built at every (re)start, so a restarted worker gets the policy in force now. */
  readonly startMessage: (index: number) => Extract<ToWorker, { type: 'start' }>;
  /** Every worker's stdout ends up here in whole lines. */
  readonly sink: LineSink;
  readonly logger: Logger;
  readonly metrics: WorkerMetrics;
  readonly budget: RestartBudget;
  /** Workers keep exiting: the restart budget is spent. Called once; the primary shuts down. */
  readonly onCrashLoop: () => void;
}

export interface WorkerPool {
  /** Forks every worker; resolves once all listen. On a start failure the others are stopped and it rejects. */
  start(): Promise<void>;
  /** Every worker is up and listening. */
  allReady(): boolean;
  pids(): number[];
  /** Workers forked so far (restarts included): tells whether one started during a broadcast. */
  spawns(): number;
  /**
   * One request to every running worker, including one still starting (it answers once started, so a
   * reload reaches a restarted worker too); null stands for a worker that exited or did not answer in time.
   */
  request(make: (id: number) => ToWorker, timeoutMs: number): Promise<(FromWorker | null)[]>;
  /**
   * Stops restarting and tells every worker to drain (or, with `cutShort`, to close at once); resolves
   * once all have exited, with true when every one exited 0.
   */
  shutdown(signal: string, cutShort: boolean): Promise<boolean>;
  /** SIGKILL for workers that did not exit in time. */
  kill(): void;
}

interface Slot {
  readonly index: number;
  child: ChildProcess | null;
  ready: boolean;
  closed: Promise<boolean>;
  restartTimer: NodeJS.Timeout | undefined;
  readonly pending: Map<number, (reply: FromWorker | null) => void>;
}

/** Sends if the channel is open; a worker whose channel closed is about to be reported as exited. */
function post(child: ChildProcess, message: ToWorker): void {
  if (child.connected) child.send(message, () => undefined);
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { logger, metrics } = options;
  const slots: Slot[] = Array.from({ length: options.count }, (_, index) => ({
    index,
    child: null,
    ready: false,
    closed: Promise.resolve(true),
    restartTimer: undefined,
    pending: new Map(),
  }));
  let starting = true;
  let stopping = false;
  let nextId = 0;
  let spawned = 0;
  const countReady = (): void => metrics.workers.set(slots.filter((s) => s.ready).length);

  /** Resolves when the worker listens; rejects when it fails to start or exits first. */
  function spawn(slot: Slot): Promise<void> {
    const child = fork(options.entry, [], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      serialization: 'json',
    });
    slot.child = child;
    slot.ready = false;
    spawned += 1;
    if (child.stdout !== null) relayLines(child.stdout, options.sink);
    let onReady: () => void = () => undefined;
    let onFailed: (err: Error) => void = () => undefined;
    const started = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFailed = reject;
    });
    child.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        slot.ready = true;
        countReady();
        logger.info({ event: 'worker_ready', worker: slot.index, workerPid: child.pid }, 'worker listening');
        onReady();
      } else if (message.type === 'start_failed') {
        const err = fromWorkerError(message.error);
        logger.error(
          { event: 'worker_start_failed', worker: slot.index, workerPid: child.pid, error: err.message },
          'worker could not start',
        );
        onFailed(err);
      } else {
        slot.pending.get(message.id)?.(message);
      }
    });
    child.on('error', (err) =>
      logger.error({ event: 'worker_error', worker: slot.index, error: err.message }, 'worker process error'),
    );
    // 'close' comes after the worker's stdout has ended, so its last log lines are already relayed.
    slot.closed = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        slot.child = null;
        slot.ready = false;
        countReady();
        for (const answer of slot.pending.values()) answer(null);
        slot.pending.clear();
        onFailed(new Error(`worker ${slot.index} exited (${signal ?? code}) before it was listening`));
        if (!stopping && !starting) restart(slot, child.pid, code, signal);
        resolve(code === 0);
      }),
    );
    post(child, options.startMessage(slot.index));
    return started;
  }

  function restart(slot: Slot, pid: number | undefined, code: number | null, signal: string | null): void {
    const delay = options.budget.spend(Date.now());
    const fields = { event: 'worker_exit', worker: slot.index, workerPid: pid ?? null, code, signal };
    if (delay === null) {
      logger.fatal(fields, 'workers keep exiting; stopping the gateway');
      options.onCrashLoop();
      return;
    }
    logger.error({ ...fields, restartInMs: delay }, 'worker exited; starting it again');
    metrics.restarts.inc();
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!stopping) spawn(slot).catch(() => undefined); // its exit is logged and budgeted like any other
    }, delay);
  }

  const pool: WorkerPool = {
    async start() {
      const all = slots.map((slot) => spawn(slot));
      try {
        await Promise.all(all);
      } catch (err) {
        await pool.shutdown('start failed', true);
        throw err;
      } finally {
        starting = false;
      }
    },

    allReady: () => slots.every((s) => s.ready),

    pids: () => slots.flatMap((s) => (s.child?.pid === undefined ? [] : [s.child.pid])),

    spawns: () => spawned,

    request(make, timeoutMs) {
      return Promise.all(
        slots.map((slot) => {
          const child = slot.child;
          if (child === null) return Promise.resolve(null);
          const id = ++nextId;
          return new Promise<FromWorker | null>((resolve) => {
            const timer = setTimeout(() => answer(null), timeoutMs);
            const answer = (reply: FromWorker | null): void => {
              clearTimeout(timer);
              slot.pending.delete(id);
              resolve(reply);
            };
            slot.pending.set(id, answer);
            post(child, make(id));
          });
        }),
      );
    },

    async shutdown(signal, cutShort) {
      stopping = true;
      for (const slot of slots) {
        clearTimeout(slot.restartTimer);
        if (slot.child !== null) post(slot.child, { type: cutShort ? 'stop' : 'drain', signal });
      }
      const clean = await Promise.all(slots.map((s) => s.closed));
      return clean.every(Boolean);
    },

    kill() {
      for (const slot of slots) slot.child?.kill('SIGKILL');
    },
  };
  return pool;
}
