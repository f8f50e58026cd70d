import { setTimeout as delay } from 'node:timers/promises';
import type { Dialer } from './create-dialer.js';

/**
 * `--latency MS`: every allowed connection waits this long before it is dialed, to rehearse a
 * datacenter whose egress crosses a slow link. Denials are not delayed: they never dial.
 */
export function addDialLatency(dialer: Dialer, latencyMs: number): Dialer {
  if (latencyMs <= 0) return dialer;
  return {
    plan: (target, allowedCidrs, privateOk) => dialer.plan(target, allowedCidrs, privateOk),
    async connect(plan) {
      await delay(latencyMs);
      return dialer.connect(plan);
    },
  };
}
