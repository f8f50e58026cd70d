export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface SignalHandlers {
  /** SIGHUP: reload the policy. */
  readonly reload: () => void;
  /** SIGTERM / SIGINT: drain and stop. */
  readonly shutdown: (signal: NodeJS.Signals) => void;
  /** SIGUSR1: reopen the log file (after logrotate moved it); absent = the signal is left alone. */
  readonly reopenLogs?: () => void;
}

/** Wires the process signals; returns the function that removes them again (tests, second start). */
export function installSignalHandlers(target: SignalTarget, handlers: SignalHandlers): () => void {
  const onHup = (): void => handlers.reload();
  const onTerm = (): void => handlers.shutdown('SIGTERM');
  const onInt = (): void => handlers.shutdown('SIGINT');
  target.on('SIGHUP', onHup);
  target.on('SIGTERM', onTerm);
  target.on('SIGINT', onInt);
  const { reopenLogs } = handlers;
  const onUsr1 = (): void => reopenLogs?.();
  if (reopenLogs !== undefined) target.on('SIGUSR1', onUsr1);
  return () => {
    if (reopenLogs !== undefined) target.off('SIGUSR1', onUsr1);
    target.off('SIGHUP', onHup);
    target.off('SIGTERM', onTerm);
    target.off('SIGINT', onInt);
  };
}
