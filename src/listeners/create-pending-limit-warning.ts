import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Metrics } from '../observe/create-metrics.js';

export interface PendingLimitWarningDeps {
  readonly metrics: Pick<Metrics, 'connectionLimitRejections'>;
  readonly logger: Pick<Logger, 'warn'>;
  /** Milliseconds. */
  readonly now: () => number;
}

/**
 * What happens to a socket the pending-connection cap refused: it is counted, and a warning is
 * logged at most once a second, so a flood of refused sockets does not become a flood of log lines.
 */
export function createPendingLimitWarning(deps: PendingLimitWarningDeps): (socket: Socket) => void {
  let lastWarn = Number.NEGATIVE_INFINITY;
  return (socket) => {
    deps.metrics.connectionLimitRejections.inc({ scope: 'pending' });
    const now = deps.now();
    if (now - lastWarn < 1_000) return;
    lastWarn = now;
    deps.logger.warn(
      { event: 'connection_limit', scope: 'pending', client: socket.remoteAddress ?? null },
      'pending connection limit reached, new connection closed',
    );
  };
}
