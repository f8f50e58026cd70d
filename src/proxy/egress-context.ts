import type { Dialer } from '../net/create-dialer.js';
import type { Recorder } from '../observe/recorder.js';
import type { ActiveConnections } from './active-connections.js';
import type { PolicyState } from './policy-state.js';

/** What every listener shares: built once by the app. */
export interface EgressContext {
  /** Reads the one mutable policy reference, so a reload applies to the next connection. */
  readonly policy: () => PolicyState;
  readonly dialer: Dialer;
  readonly recorder: Recorder;
  readonly active: ActiveConnections;
  /** Milliseconds, for durations. */
  readonly now: () => number;
  readonly newId: () => string;
}
