import type { RateResult } from './measure-connect-rate.js';
import type { ThroughputResult } from './measure-throughput.js';
import type { Route } from './open-tunnel.js';

export type LoadJob =
  | { readonly kind: 'throughput'; readonly route: Route; readonly bytes: number; readonly streams: number }
  | {
      readonly kind: 'rate';
      readonly route: Route;
      readonly concurrency: number;
      readonly durationMs: number;
    };

export type LoadReply =
  | { readonly ok: true; readonly kind: 'throughput'; readonly result: ThroughputResult }
  | { readonly ok: true; readonly kind: 'rate'; readonly result: RateResult }
  | { readonly ok: false; readonly error: string };
