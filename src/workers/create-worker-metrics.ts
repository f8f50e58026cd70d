import { Counter, Gauge, type Registry } from 'prom-client';

/** The primary's own series about its workers (the workers' series are aggregated beside them). */
export interface WorkerMetrics {
  readonly workers: Gauge;
  readonly restarts: Counter;
}

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  const workers = new Gauge({
    name: 'egressgate_workers',
    help: 'Worker processes up and listening (workers: N); fewer than N while one restarts.',
    registers: [registry],
  });
  const restarts = new Counter({
    name: 'egressgate_worker_restarts_total',
    help: 'Workers that exited unplanned and were started again.',
    registers: [registry],
  });
  restarts.inc(0);
  return { workers, restarts };
}
