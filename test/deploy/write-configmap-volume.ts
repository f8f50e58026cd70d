import { mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let generation = 0;

/**
 * Writes files into a directory the way kubelet updates a ConfigMap (or projected) volume: the data
 * goes into a fresh hidden timestamped directory, `..data` is swapped to it by renaming a temporary
 * symlink over it, the visible names are symlinks through `..data`, and the old directory is removed.
 */
export function writeConfigMapVolume(volume: string, files: Readonly<Record<string, string>>): void {
  mkdirSync(volume, { recursive: true });
  generation += 1;
  const stamp = `..${new Date().toISOString().replace(/[-:.TZ]/g, '_')}${generation}`;
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(volume, stamp, path)), { recursive: true });
    writeFileSync(join(volume, stamp, path), content);
  }
  const dataLink = join(volume, '..data');
  const previous = existsSync(dataLink) ? readlinkSync(dataLink) : null;
  symlinkSync(stamp, join(volume, '..data_tmp'));
  renameSync(join(volume, '..data_tmp'), dataLink);
  for (const top of new Set(Object.keys(files).map((p) => p.split('/')[0]!))) {
    if (!existsSync(join(volume, top))) symlinkSync(join('..data', top), join(volume, top));
  }
  if (previous !== null) rmSync(join(volume, previous), { recursive: true, force: true });
}
