import { mkdtemp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isPolicyFileEvent,
  watchPolicyFiles,
  type PolicyWatcher,
} from '../../src/reload/watch-policy-files.js';
import { captureLog } from '../observe/capture-log.js';

let dir = '';
let watcher: PolicyWatcher | undefined;
afterEach(async () => {
  watcher?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

function nextChange(): { promise: Promise<void>; onChange: () => void; count: () => number } {
  let n = 0;
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return {
    promise,
    onChange: () => {
      n++;
      resolve();
    },
    count: () => n,
  };
}

describe('watchPolicyFiles', () => {
  it('ignores files that cannot hold policy, such as a log written beside the config', async () => {
    dir = await mkdtemp(join(tmpdir(), 'eg-watch-'));
    const change = nextChange();
    watcher = watchPolicyFiles({
      dirs: [dir],
      debounceMs: 20,
      onChange: change.onChange,
      logger: captureLog().logger,
    });
    for (let i = 0; i < 5; i++) await writeFile(join(dir, 'decisions.log'), `line ${i}\n`);
    await writeFile(join(dir, 'profile.yaml'), 'name: p\n');
    await change.promise;
    await new Promise((r) => setTimeout(r, 100));
    // One reload, for the YAML file; the log writes before it fired nothing.
    expect(change.count()).toBe(1);
  });

  it.each([
    ['config.yaml', true],
    ['p.yml', true],
    ['x.json', true],
    ['..data', true],
    ['..2026_11_23_10_00_00.123', true],
    [null, true],
    ['decisions.log', false],
    ['config.yaml.swp', false],
    ['4913', false],
  ])('counts an event on %s: %s', (name, counts) => {
    expect(isPolicyFileEvent(name)).toBe(counts);
  });

  it('fires once, debounced, for a burst of writes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'eg-watch-'));
    const change = nextChange();
    watcher = watchPolicyFiles({
      dirs: [dir],
      debounceMs: 300,
      onChange: change.onChange,
      logger: captureLog().logger,
    });
    for (let i = 0; i < 5; i++) await writeFile(join(dir, 'p.yaml'), `name: p${i}\n`);
    await change.promise;
    await new Promise((r) => setTimeout(r, 400));
    expect(change.count()).toBe(1);
  });

  it('sees a Kubernetes ConfigMap style ..data symlink swap', async () => {
    dir = await mkdtemp(join(tmpdir(), 'eg-watch-'));
    await mkdir(join(dir, '..2026_01'));
    await writeFile(join(dir, '..2026_01', 'config.yaml'), 'mode: enforce\n');
    await symlink('..2026_01', join(dir, '..data'));
    await symlink('..data/config.yaml', join(dir, 'config.yaml'));
    const change = nextChange();
    watcher = watchPolicyFiles({
      dirs: [dir],
      debounceMs: 20,
      onChange: change.onChange,
      logger: captureLog().logger,
    });
    // What the kubelet does: write a new timestamped dir, point ..data_tmp at it, rename over ..data.
    await mkdir(join(dir, '..2026_02'));
    await writeFile(join(dir, '..2026_02', 'config.yaml'), 'mode: report\n');
    await symlink('..2026_02', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await change.promise;
    expect(change.count()).toBe(1);
  });

  it('logs a directory it cannot watch instead of throwing', () => {
    const { logger, lines } = captureLog();
    watcher = watchPolicyFiles({
      dirs: ['/nonexistent/eg'],
      debounceMs: 10,
      onChange: () => undefined,
      logger,
    });
    expect(lines[0]).toMatchObject({ level: 'warn', event: 'watch_error', dir: '/nonexistent/eg' });
  });
});
