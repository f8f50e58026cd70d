/**
 * Child-process entry: the load generator runs apart from the orchestrator (which hosts the upstream)
 * and from the proxy under test, so it has its own event loop and the client side is not the
 * bottleneck. Jobs arrive over IPC one at a time; results go back the same way.
 */
import { measureConnectRate } from './measure-connect-rate.js';
import { measureThroughput } from './measure-throughput.js';
import type { LoadJob, LoadReply } from './load-job.js';

process.on('message', (message: LoadJob) => {
  void runJob(message).then((reply) => process.send?.(reply));
});

async function runJob(job: LoadJob): Promise<LoadReply> {
  const hello = job.route.kind === 'tls' ? Buffer.from(job.route.helloBase64, 'base64') : null;
  try {
    if (job.kind === 'throughput') {
      return {
        ok: true,
        kind: 'throughput',
        result: await measureThroughput(job.route, hello, job.bytes, job.streams),
      };
    }
    const result = await measureConnectRate(job.route, hello, job.concurrency, job.durationMs);
    return { ok: true, kind: 'rate', result };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
