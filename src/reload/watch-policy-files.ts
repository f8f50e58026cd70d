import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';

export interface WatchOptions {
  /** Directories holding the config file and the profiles. */
  readonly dirs: readonly string[];
  /** Quiet time after the last event before onChange runs; editors and ConfigMap swaps write in bursts. */
  readonly debounceMs: number;
  readonly onChange: () => void;
  readonly logger: Logger;
}

export interface PolicyWatcher {
  close(): void;
}

/**
 * Only events that can touch the policy count: YAML or JSON files, and the `..`-prefixed entries of a
 * ConfigMap swap. Anything else (a log file kept beside the config) would reload on every write.
 */
export function isPolicyFileEvent(filename: string | null): boolean {
  // Some platforms do not say which file changed: then it may have been ours.
  if (filename === null) return true;
  const base = filename.split('/').at(-1) ?? filename;
  return base.startsWith('..') || /\.(ya?ml|json)$/i.test(base);
}

/**
 * Watches directories, not file inodes: an editor that saves by rename, and a Kubernetes ConfigMap
 * volume (which swaps a `..data` symlink to a new directory), both replace the file, and a watch on the
 * old inode would never fire again. The debounce collapses a burst into one reload, and reloading an
 * unchanged policy is harmless.
 */
export function watchPolicyFiles(options: WatchOptions): PolicyWatcher {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    clearTimeout(timer);
    timer = setTimeout(options.onChange, options.debounceMs);
    timer.unref();
  };
  for (const dir of new Set(options.dirs)) {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, filename) => {
        if (isPolicyFileEvent(filename)) fire();
      });
      watcher.on('error', (err) => {
        options.logger.warn(
          { event: 'watch_error', dir, error: err.message },
          'stopped watching; SIGHUP still reloads',
        );
      });
      watchers.push(watcher);
    } catch (err) {
      options.logger.warn(
        { event: 'watch_error', dir, error: (err as Error).message },
        'cannot watch directory; SIGHUP still reloads',
      );
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
