import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createShutdown } from '../../src/reload/create-shutdown.js';
import { installSignalHandlers } from '../../src/reload/install-signal-handlers.js';
import { captureLog } from '../observe/capture-log.js';

describe('createShutdown', () => {
  it('drains with the timeout, then stops, once however often it is called', async () => {
    const steps: string[] = [];
    const { logger, lines } = captureLog();
    const { shutdown } = createShutdown({
      drain: (ms) => Promise.resolve(void steps.push(`drain ${ms}`)),
      stop: () => Promise.resolve(void steps.push('stop')),
      drainTimeoutMs: 1234,
      logger,
    });
    const first = shutdown('SIGTERM');
    await first;
    expect(steps).toEqual(['drain 1234', 'stop']);
    expect(lines[0]).toMatchObject({
      event: 'shutdown',
      signal: 'SIGTERM',
      drainTimeoutMs: 1234,
      msg: 'draining',
    });
    expect(lines.at(-1)).toMatchObject({ event: 'shutdown', msg: 'stopped' });
  });

  it('cuts the drain short on a second signal', async () => {
    const steps: string[] = [];
    const { logger, lines } = captureLog();
    const { shutdown } = createShutdown({
      // a drain that would outlast the test: only the second signal can end it
      drain: () => new Promise<void>(() => undefined),
      stop: () => Promise.resolve(void steps.push('stop')),
      drainTimeoutMs: 60_000,
      logger,
    });
    const first = shutdown('SIGTERM');
    await new Promise((r) => setImmediate(r));
    expect(steps).toEqual([]);
    expect(shutdown('SIGINT')).toBe(first);
    await first;
    expect(steps).toEqual(['stop']);
    expect(lines.some((l) => l['level'] === 'warn' && l['signal'] === 'SIGINT')).toBe(true);
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
