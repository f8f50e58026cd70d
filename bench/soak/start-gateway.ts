import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectRelay } from '../../src/net/select-relay.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Gateway {
  readonly pid: number;
  readonly port: number;
  readonly adminPort: number;
  /** The relay in force: js when asked for or when the addon is not built (same rule as the app). */
  readonly relay: string;
  /** Sum of egressgate_active_connections over all listeners, read from /metrics. */
  activeConnections(): Promise<number>;
  /** Reads one counter or gauge (summed over its series) from /metrics. */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

function getText(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

/**
 * The real CLI (`serve --config`) in its own process with `ulimit -n` raised, so 10,000 tunnels
 * (20,000 sockets) fit. Logging at warn: the bench measures the proxy, not pino writing to a pipe.
 */
export async function startGateway(
  workDir: string,
  options: {
    readonly connectTo: readonly string[];
    readonly maxConnections: number;
    readonly raiseNofile: string;
    /** The CLI entry: a compiled main.js (what production runs), or the TypeScript source through tsx. */
    readonly entry: string;
    readonly relay?: 'native' | 'js';
  },
): Promise<Gateway> {
  const config = {
    listen: '127.0.0.1:0',
    admin: '127.0.0.1:0',
    policies: path.join(repoRoot, 'bench/soak/policies'),
    profiles: ['soak'],
    connectTo: options.connectTo,
    limits: { maxConnections: options.maxConnections },
    log: { level: 'warn' },
    ...(options.relay === undefined ? {} : { relay: options.relay }),
  };
  const file = path.join(workDir, 'soak-config.yaml');
  writeFileSync(file, JSON.stringify(config));
  const runner = options.entry.endsWith('.ts') ? `--import tsx "${options.entry}"` : `"${options.entry}"`;
  const command = `${options.raiseNofile}; exec "${process.execPath}" ${runner} serve --config "${file}"`;
  const child = spawn('sh', ['-c', command], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const ports = await new Promise<{ port: number; adminPort: number }>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /proxy on 127\.0\.0\.1:(\d+).*admin on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m !== null) resolve({ port: Number(m[1]), adminPort: Number(m[2]) });
    });
    child.once('exit', (code) => reject(new Error(`egressgate exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const metrics = (): Promise<string> => getText(ports.adminPort, '/metrics');
  return {
    pid: child.pid ?? 0,
    relay: selectRelay(options.relay ?? null).kind,
    ...ports,
    activeConnections: async () => sumMetric(await metrics(), 'egressgate_active_connections'),
    metric: async (name) => sumMetric(await metrics(), name),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
