export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface SignalHandlers {
  /** SIGHUP: reload the policy. */
  readonly reload: () => void;
  /** SIGTERM / SIGINT: drain and stop. */
  readonly shutdown: (signal: NodeJS.Signals) => void;
}

/** Wires the process signals; returns the function that removes them again (tests, second start). */
export function installSignalHandlers(target: SignalTarget, handlers: SignalHandlers): () => void {
  const onHup = (): void => handlers.reload();
  const onTerm = (): void => handlers.shutdown('SIGTERM');
  const onInt = (): void => handlers.shutdown('SIGINT');
  target.on('SIGHUP', onHup);
  target.on('SIGTERM', onTerm);
  target.on('SIGINT', onInt);
  return () => {
    target.off('SIGHUP', onHup);
    target.off('SIGTERM', onTerm);
    target.off('SIGINT', onInt);
  };
}
