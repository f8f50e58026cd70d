import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { superviseApp, type SupervisedApp } from '../../src/reload/supervise-app.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import { captureLog } from '../observe/capture-log.js';

function recordingApp(): SupervisedApp & { steps: string[]; failNext: boolean; reloaded: Promise<void> } {
  let wake: () => void = () => undefined;
  const app = {
    steps: [] as string[],
    failNext: false,
    reloaded: new Promise<void>((r) => (wake = r)),
    reloadPolicy() {
      app.steps.push('reload');
      wake();
      app.reloaded = new Promise<void>((r) => (wake = r));
      if (app.failNext)
        return Promise.reject(new PolicyError('YAML_SYNTAX', 'bad indent', { file: 'p.yaml', line: 3 }));
      return Promise.resolve();
    },
    drain(ms: number) {
      app.steps.push(`drain ${ms}`);
      return Promise.resolve();
    },
    stop() {
      app.steps.push('stop');
      return Promise.resolve();
    },
  };
  return app;
}

describe('superviseApp', () => {
  it('reloads on SIGHUP, logs a failed reload with file and line, drains and stops on SIGTERM', async () => {
    const app = recordingApp();
    const signals = new EventEmitter();
    const { logger, lines } = captureLog();
    const supervisor = superviseApp({ app, logger, drainTimeoutMs: 5000, watchDirs: [], signals });

    const reloaded = app.reloaded;
    signals.emit('SIGHUP');
    await reloaded;
    app.failNext = true;
    expect(await supervisor.reload('test')).toBe(false);
    expect(lines.find((l) => l['result'] === 'failure')).toMatchObject({
      file: 'p.yaml',
      line: 3,
      code: 'YAML_SYNTAX',
    });

    signals.emit('SIGTERM');
    await supervisor.stopped;
    expect(app.steps).toEqual(['reload', 'reload', 'drain 5000', 'stop']);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('reloads when a file in a watched directory changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eg-sup-'));
    try {
      const app = recordingApp();
      const supervisor = superviseApp({
        app,
        logger: captureLog().logger,
        drainTimeoutMs: 0,
        watchDirs: [dir],
        debounceMs: 20,
        signals: new EventEmitter(),
      });
      const reloaded = app.reloaded;
      await writeFile(join(dir, 'azure-arc.yaml'), 'name: azure-arc\n');
      await reloaded;
      expect(app.steps).toContain('reload');
      await supervisor.shutdown('SIGTERM');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
