import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { loadReusePortSocket } from '../../src/net/reuse-port-socket.js';
import { PROFILE, type PolicyDir } from '../operations/ops-fixture.js';
import { spawnServe, type ServeProcess } from '../operations/spawn-serve.js';
import { openTunnel, type TunnelAnswer } from '../support/open-tunnel.js';
import { repoRoot } from '../support/run-cli.js';

/**
 * Null when the addon has reusePortSocket. A missing or older build (from before native/reuseport.c)
 * is built once here; the reason is returned when that is impossible (no compiler, not Linux).
 */
export function reusePortUnavailableReason(): string | null {
  if (loadReusePortSocket() !== null) return null;
  try {
    execFileSync(process.execPath, [`${repoRoot}scripts/build-native.mjs`], {
      stdio: 'ignore',
      timeout: 180_000,
    });
  } catch {
    // The script never fails on purpose; the check below reports what is missing.
  }
  // A rebuilt .node cannot be loaded again into this process; a child process can tell.
  const probe = `import('${repoRoot}src/net/reuse-port-socket.ts').then((m) => process.exit(m.loadReusePortSocket() ? 0 : 1))`;
  try {
    execFileSync(process.execPath, ['--import', 'tsx', '-e', probe], { stdio: 'ignore', cwd: repoRoot });
    return null;
  } catch {
    return 'the native addon with reusePortSocket could not be built (node scripts/build-native.mjs)';
  }
}

/** `egressgate serve` with `workers: N` over the ops-test profile; every allowed name goes to `upstreamPort`. */
export async function serveWorkers(
  policy: PolicyDir,
  upstreamPort: number,
  options: { workers?: number; drainTimeoutMs?: number; name?: string; transparentHttp?: boolean } = {},
): Promise<ServeProcess> {
  const file = join(policy.dir, `${options.name ?? 'workers'}.yaml`);
  await writeFile(
    file,
    [
      'listen: 127.0.0.1:0',
      'admin: 127.0.0.1:0',
      `policies: ${policy.dir}`,
      `profiles: [${PROFILE}]`,
      `connectTo: ['::127.0.0.1:${upstreamPort}']`,
      `drainTimeoutMs: ${options.drainTimeoutMs ?? 20_000}`,
      `workers: ${options.workers ?? 2}`,
      ...(options.transparentHttp === true ? ["transparentHttp: ['127.0.0.1:0=80']"] : []),
      '',
    ].join('\n'),
  );
  return spawnServe(file);
}

/** The transparent listener's port, from the start-up line on stderr. */
export function transparentPort(gate: ServeProcess): number {
  const port = /transparent on [^\s,]+:(\d+)/.exec(gate.stderr())?.[1];
  if (port === undefined) throw new Error(`no transparent listener in: ${gate.stderr()}`);
  return Number(port);
}

/** The pids of the workers that are listening (from the primary's worker_ready lines). */
export async function readyWorkerPids(gate: ServeProcess, count: number): Promise<number[]> {
  await until(() => gate.lines.filter((l) => l['event'] === 'worker_ready').length >= count);
  return gate.lines.filter((l) => l['event'] === 'worker_ready').map((l) => Number(l['workerPid']));
}

/** Polls a condition the processes will make true; the test's own timeout bounds the wait. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The worker pid that logged the decision for a connection from `clientPort`. */
export async function workerOf(gate: ServeProcess, clientPort: number): Promise<number> {
  const line = await gate.waitForLine((l) => l['msg'] === 'decision' && l['clientPort'] === clientPort);
  return Number(line['pid']);
}

/** Opens tunnels until each of `pids` holds at least one; returns them by worker pid. */
export async function tunnelOnEachWorker(
  gate: ServeProcess,
  target: string,
  pids: readonly number[],
): Promise<Map<number, TunnelAnswer>> {
  const held = new Map<number, TunnelAnswer>();
  // Connections are spread by a hash of the client port: 64 tries all on one of two workers is 2^-63.
  for (let i = 0; i < 64 && held.size < pids.length; i++) {
    const tunnel = await openTunnel(gate.proxyPort, target);
    const pid = await workerOf(gate, tunnel.socket.localPort ?? -1);
    if (held.has(pid)) tunnel.socket.destroy();
    else held.set(pid, tunnel);
  }
  return held;
}

/** Sum of a metric's samples whose labels include `labels`, from the Prometheus text of /metrics. */
export async function scrape(
  adminPort: number,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const res = await request(`http://127.0.0.1:${adminPort}/metrics`);
  const text = await res.body.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m?.[1] !== name) continue;
    const labelText = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
