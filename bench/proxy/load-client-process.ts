import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { RateResult } from './measure-connect-rate.js';
import type { ThroughputResult } from './measure-throughput.js';
import type { LoadJob, LoadReply } from './load-job.js';
import type { Route } from './open-tunnel.js';

/** The orchestrator's handle on the load-generator child: one job at a time. */
export interface LoadClient {
  throughput(route: Route, bytes: number, streams: number): Promise<ThroughputResult>;
  rate(route: Route, concurrency: number, durationMs: number): Promise<RateResult>;
  stop(): Promise<void>;
}

export function startLoadClient(): LoadClient {
  const entry = fileURLToPath(new URL('./load-client.ts', import.meta.url));
  const child = fork(entry, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const run = async (job: LoadJob): Promise<LoadReply> => {
    const reply = waitForReply(child);
    child.send(job);
    return reply;
  };
  return {
    async throughput(route, bytes, streams) {
      const reply = await run({ kind: 'throughput', route, bytes, streams });
      if (!reply.ok) throw new Error(reply.error);
      if (reply.kind !== 'throughput') throw new Error('load client answered the wrong job');
      return reply.result;
    },
    async rate(route, concurrency, durationMs) {
      const reply = await run({ kind: 'rate', route, concurrency, durationMs });
      if (!reply.ok) throw new Error(reply.error);
      if (reply.kind !== 'rate') throw new Error('load client answered the wrong job');
      return reply.result;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function waitForReply(child: ChildProcess): Promise<LoadReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`load client exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (reply: LoadReply) => {
      child.off('exit', onExit);
      resolve(reply);
    });
  });
}
