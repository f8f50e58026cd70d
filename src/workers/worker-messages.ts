import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { PolicySource } from '../app.js';
import type { ServeSettings } from '../config/serve-settings.js';
import type { SocketAddress } from '../egress-request.js';
import type { DeniedSnapshot } from '../observe/denied-tracker.js';

/** An error as it crosses the IPC channel: what the reload log line and the CLI error need. */
export interface WorkerError {
  readonly message: string;
  readonly name: string;
  readonly code: string | null;
  readonly file: string | null;
  readonly line: number | null;
}

/** The primary's commands to one worker (child_process IPC, JSON). */
export type ToWorker =
  | {
      readonly type: 'start';
      readonly index: number;
      /** Listen hosts numeric and ports concrete (the primary resolved them); admin null. */
      readonly settings: ServeSettings;
      /** The primary's admin address: never a destination, like the app's own listeners. */
      readonly ownAddresses: readonly SocketAddress[];
      readonly logLevel: string;
      readonly pretty: boolean;
    }
  | { readonly type: 'reload'; readonly id: number; readonly source: PolicySource }
  | { readonly type: 'metrics'; readonly id: number }
  | { readonly type: 'denied'; readonly id: number }
  /** Drain for settings.drainTimeoutMs, then exit 0. */
  | { readonly type: 'drain'; readonly signal: string }
  /** Cut a drain short: close what is still open and exit 0. */
  | { readonly type: 'stop'; readonly signal: string };

/** A worker's answers. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'start_failed'; readonly error: WorkerError }
  | { readonly type: 'reloaded'; readonly id: number; readonly error: WorkerError | null }
  | {
      readonly type: 'metrics';
      readonly id: number;
      readonly metrics: readonly MetricObjectWithValues<MetricValue<string>>[];
    }
  | { readonly type: 'denied'; readonly id: number; readonly denied: DeniedSnapshot | null };

export function toWorkerError(err: unknown): WorkerError {
  if (!(err instanceof Error)) {
    return { message: String(err), name: 'Error', code: null, file: null, line: null };
  }
  const e = err as Error & { code?: unknown; file?: unknown; line?: unknown };
  return {
    message: e.message,
    name: e.name,
    code: typeof e.code === 'string' ? e.code : null,
    file: typeof e.file === 'string' ? e.file : null,
    line: typeof e.line === 'number' ? e.line : null,
  };
}

/** Back into an Error with the same fields, so the primary logs and reports it as if it were its own. */
export function fromWorkerError(error: WorkerError): Error {
  return Object.assign(new Error(error.message), {
    name: error.name,
    code: error.code ?? undefined,
    file: error.file,
    line: error.line,
  });
}
