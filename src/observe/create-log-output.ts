import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type DestinationStream } from 'pino';
import type { LogDestination } from '../config/serve-settings.js';
import { ConfigError } from '../config/config-error.js';
import { createSyslogStream } from './create-syslog-stream.js';

export interface LogOutput {
  /** null = stdout, as createLogger does by default. */
  readonly stream: DestinationStream | null;
  /** SIGUSR1: reopen the file by its name, so lines go to the new file logrotate left behind. */
  reopen(): void;
  /** Sends what is still queued (syslog over TCP) and closes; at most a second. */
  close(): Promise<void>;
}

const done = (): Promise<void> => Promise.resolve();

/**
 * The stream log lines are written to (config `log.destination`). A file that cannot be opened is a
 * start-up error naming it; a syslog server that is down later is reported on stderr, never fatal.
 */
export function createLogOutput(
  destination: LogDestination,
  stderr: { write(text: string): unknown },
): LogOutput {
  switch (destination.kind) {
    case 'stdout':
      return { stream: null, reopen: () => undefined, close: done };
    case 'file': {
      try {
        mkdirSync(dirname(destination.path), { recursive: true });
        closeSync(openSync(destination.path, 'a'));
      } catch (err) {
        throw new ConfigError(`log.file ${destination.path}: ${(err as Error).message}`);
      }
      // Batched like stdout: 4 KiB or 100 ms, flushed on exit.
      const file = pino.destination({
        dest: destination.path,
        append: true,
        sync: false,
        minLength: 4096,
        periodicFlush: 100,
      });
      file.on('error', (err: Error) =>
        stderr.write(`egressgate: log.file ${destination.path}: ${err.message}\n`),
      );
      return {
        stream: file,
        reopen: () => file.reopen(),
        close: () =>
          new Promise((resolve) => {
            file.flush(() => resolve());
          }),
      };
    }
    case 'syslog': {
      const stream = createSyslogStream(destination, (message) => stderr.write(`egressgate: ${message}\n`));
      return {
        stream,
        reopen: () => undefined,
        close: () =>
          new Promise((resolve) => {
            setTimeout(resolve, 1_000).unref();
            stream.end(() => resolve());
          }),
      };
    }
  }
}
