import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createShutdown } from '../../src/reload/create-shutdown.js';
import { installSignalHandlers } from '../../src/reload/install-signal-handlers.js';
import { captureLog } from '../observe/capture-log.js';

describe('createShutdown', () => {
  it('marks draining before closing listeners, drains with the timeout, then closes the rest', async () => {
    const steps: string[] = [];
    const { logger, lines } = captureLog();
    const { shutdown } = createShutdown({
      markDraining: () => steps.push('draining'),
      stopAccepting: () => Promise.resolve(void steps.push('stop')),
      drain: (ms) => Promise.resolve(void steps.push(`drain ${ms}`)),
      activeConnections: () => 2,
      closeRest: () => Promise.resolve(void steps.push('rest')),
      drainTimeoutMs: 1234,
      logger,
    });
    const first = shutdown('SIGTERM');
    expect(shutdown('SIGTERM')).toBe(first);
    await first;
    expect(steps).toEqual(['draining', 'stop', 'drain 1234', 'rest']);
    expect(lines[0]).toMatchObject({
      event: 'shutdown',
      signal: 'SIGTERM',
      openConnections: 2,
      drainTimeoutMs: 1234,
    });
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
  });

  it('cuts the drain short on a second signal', async () => {
    const drains: number[] = [];
    const { shutdown } = createShutdown({
      markDraining: () => undefined,
      stopAccepting: () => Promise.resolve(),
      // the long drain never finishes by itself; the forced one (0 ms) does
      drain: (ms) => (drains.push(ms), ms === 0 ? Promise.resolve() : new Promise<void>(() => undefined)),
      activeConnections: () => 1,
      closeRest: () => Promise.resolve(),
      drainTimeoutMs: 60_000,
      logger: captureLog().logger,
    });
    const first = shutdown('SIGTERM');
    await new Promise((r) => setImmediate(r));
    void shutdown('SIGINT');
    await first;
    expect(drains).toEqual([60_000, 0]);
  });
});

describe('installSignalHandlers', () => {
  it('routes SIGHUP to reload and SIGTERM/SIGINT to shutdown, and uninstalls', () => {
    const target = new EventEmitter();
    const seen: string[] = [];
    const uninstall = installSignalHandlers(target, {
      reload: () => seen.push('reload'),
      shutdown: (s) => seen.push(s),
    });
    target.emit('SIGHUP');
    target.emit('SIGTERM');
    target.emit('SIGINT');
    uninstall();
    target.emit('SIGHUP');
    expect(seen).toEqual(['reload', 'SIGTERM', 'SIGINT']);
    expect(target.listenerCount('SIGHUP')).toBe(0);
  });
});
