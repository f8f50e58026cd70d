import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const execFileAsync = promisify(execFile);

/** A rendered Kubernetes object, loosely typed: tests navigate it with `dig`. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs helm and returns its exit code and output instead of throwing, so tests can assert on failures. */
export async function runHelm(helm: string, args: readonly string[]): Promise<HelmResult> {
  try {
    const { stdout, stderr } = await execFileAsync(helm, [...args], { maxBuffer: 32 << 20, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `helm template` with the given values files and --set pairs, parsed into objects (empty documents dropped). */
export async function renderChart(
  helm: string,
  chartDir: string,
  opts: { valuesFiles?: readonly string[]; set?: readonly string[]; namespace?: string } = {},
): Promise<K8sObject[]> {
  const args = ['template', 'gw', chartDir, '--namespace', opts.namespace ?? 'egress'];
  for (const f of opts.valuesFiles ?? []) args.push('--values', f);
  for (const s of opts.set ?? []) args.push('--set', s);
  const result = await runHelm(helm, args);
  if (result.code !== 0) throw new Error(`helm template failed (${result.code}): ${result.stderr}`);
  return parseManifests(result.stdout);
}

export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML is invalid: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const obj = value as Partial<K8sObject>;
    if (
      typeof obj.kind !== 'string' ||
      typeof obj.apiVersion !== 'string' ||
      typeof obj.metadata?.name !== 'string'
    ) {
      throw new Error(
        `rendered document without kind/apiVersion/metadata.name: ${JSON.stringify(value).slice(0, 200)}`,
      );
    }
    objects.push(obj as K8sObject);
  }
  return objects;
}

/** The single object of a kind (and name suffix, when several), or a failure naming what exists. */
export function pick(objects: readonly K8sObject[], kind: string, nameSuffix = ''): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
  if (found.length !== 1) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`expected one ${kind} named *${nameSuffix}, found ${found.length} among ${have}`);
  }
  return found[0]!;
}

/** Walks a path of keys and indices through loosely typed objects. */
export function dig(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
