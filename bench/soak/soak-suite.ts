import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SuiteResult } from '../suite-result.js';
import type { LoadCommand, SoakCounts } from './load-process.js';
import { countFds, pollFor, readRssMiB } from './process-stats.js';
import { startGateway, type Gateway } from './start-gateway.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface SoakSettings {
  readonly tunnels: number;
  readonly seconds: number;
  /** Operations started per second in the soak (allowed tunnel, denied CONNECT, websocket in turn). */
  readonly rate: number;
  /** Run src/ through tsx instead of building dist/ first (tsx's compiler adds about 60 MiB of RSS). */
  readonly source?: boolean;
  /** The gateway's `relay` setting; absent = its default (native where the addon is built). */
  readonly relay?: 'native' | 'js';
}

/** The CLI entry to measure: dist/cli/main.js, built now so it matches the source, or src/ via tsx. */
function prepareEntry(source: boolean, progress: (line: string) => void): string {
  if (source) return 'src/cli/main.ts';
  progress('building dist/ (tsc -p tsconfig.build.json)');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  return 'dist/cli/main.js';
}

export const defaultSoakSettings: SoakSettings = { tunnels: 10_000, seconds: 60, rate: 150 };
const nofile = 65_536;
// Raises the soft limit as far as allowed: to 65536 where the hard limit permits (root with
// CAP_SYS_RESOURCE), else to the hard limit.
const raiseNofile = `ulimit -n ${nofile} 2>/dev/null || ulimit -n "$(ulimit -Hn)"`;

/** The descriptor limit a child will get, to size the run to what fits. */
function childNofile(): number {
  const out = execFileSync('sh', ['-c', `${raiseNofile}; ulimit -n`], { encoding: 'utf8' }).trim();
  return out === 'unlimited' ? nofile : Number(out);
}

interface Snapshot {
  readonly rssMiB: number;
  readonly fds: number;
}

function startLoadProcess(): {
  child: ChildProcess;
  ask(command: LoadCommand): Promise<unknown>;
  ready: Promise<{ echoPort: number; wsPort: number }>;
} {
  const command = `${raiseNofile}; exec "${process.execPath}" --import tsx bench/soak/load-process.ts`;
  const child = spawn('sh', ['-c', command], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      child.once('message', (m) => resolve(m as Record<string, unknown>));
      child.once('exit', (code) => reject(new Error(`load process exited ${code}`)));
    });
  return {
    child,
    ready: next() as Promise<never>,
    async ask(cmd) {
      const answer = next();
      child.send(cmd);
      const m = await answer;
      if (m['type'] !== 'result') throw new Error(`load process: ${String(m['message'])}`);
      return m['result'];
    },
  };
}

function snapshot(gateway: Gateway): Snapshot {
  return { rssMiB: readRssMiB(gateway.pid), fds: countFds(gateway.pid) };
}

const mib = (n: number): string => `${n.toFixed(1)} MiB`;

/**
 * RSS of egressgate with N concurrent idle tunnels, and a steady soak of mixed allowed and denied
 * CONNECTs and websockets after which RSS and descriptors should return to their baseline.
 */
export async function runSoakSuite(
  workDir: string,
  progress: (line: string) => void,
  settings: SoakSettings = defaultSoakSettings,
): Promise<SuiteResult> {
  // Each tunnel costs the gateway two descriptors; where the hard limit is lower than that needs,
  // the run is sized down and says so.
  const limit = childNofile();
  const tunnels = Math.min(settings.tunnels, Math.floor((limit - 200) / 2));
  if (tunnels < settings.tunnels) {
    progress(`descriptor limit ${limit}: ${tunnels} tunnels instead of ${settings.tunnels}`);
  }
  // Upstreams and clients in two processes, so neither side needs more than one socket per tunnel.
  const upstreams = startLoadProcess();
  const load = startLoadProcess();
  const { echoPort, wsPort } = await upstreams.ready;
  await load.ready;
  const gateway = await startGateway(workDir, {
    connectTo: [`allowed.soak.test:443:127.0.0.1:${echoPort}`, `ws.soak.test:80:127.0.0.1:${wsPort}`],
    maxConnections: tunnels * 2,
    raiseNofile,
    entry: prepareEntry(settings.source === true, progress),
    ...(settings.relay === undefined ? {} : { relay: settings.relay }),
  });
  const settle = async (): Promise<void> => {
    await pollFor(
      () => gateway.activeConnections(),
      (n) => n === 0,
      30_000,
    );
  };
  try {
    progress('warm-up: 5 s of mixed traffic');
    await load.ask({ type: 'soak', gatewayPort: gateway.port, seconds: 5, rate: settings.rate });
    await settle();
    const idleBase = snapshot(gateway);

    progress(`opening ${tunnels} idle tunnels`);
    const openStarted = Date.now();
    const opened = (await load.ask({ type: 'open', gatewayPort: gateway.port, count: tunnels })) as {
      opened: number;
      failed: number;
      firstError: string | null;
    };
    const openSeconds = (Date.now() - openStarted) / 1000;
    const active = await pollFor(
      () => gateway.activeConnections(),
      (n) => n >= opened.opened,
      10_000,
    );
    const atPeak = snapshot(gateway);
    await load.ask({ type: 'close' });
    await settle();
    const idleAfter = await pollFor(
      () => snapshot(gateway),
      (s) => s.fds <= idleBase.fds,
      10_000,
    );

    progress(`soak: ${settings.seconds} s at ${settings.rate} operations/s`);
    const soakBase = snapshot(gateway);
    let soakPeak = soakBase;
    const sampler = setInterval(() => {
      const s = snapshot(gateway);
      if (s.rssMiB > soakPeak.rssMiB) soakPeak = s;
    }, 1_000);
    const counts = (await load.ask({
      type: 'soak',
      gatewayPort: gateway.port,
      seconds: settings.seconds,
      rate: settings.rate,
    })) as SoakCounts;
    clearInterval(sampler);
    await settle();
    const soakAfter = await pollFor(
      () => snapshot(gateway),
      (s) => s.fds <= soakBase.fds,
      15_000,
    );
    const limitRejections = await gateway.metric('egressgate_connection_limit_rejections_total');

    const perTunnelKiB = ((atPeak.rssMiB - idleBase.rssMiB) * 1024) / Math.max(opened.opened, 1);
    const projectedMiB = idleBase.rssMiB + (perTunnelKiB * settings.tunnels) / 1024;
    const rows = [
      [
        'idle tunnels open',
        `${opened.opened} of ${tunnels} (failed ${opened.failed}), gauge ${active}, in ${openSeconds.toFixed(1)} s`,
      ],
      ['relay (start line)', gateway.relay],
      ['descriptor limit per process', String(limit)],
      [
        'RSS before / with tunnels / after close',
        `${mib(idleBase.rssMiB)} / ${mib(atPeak.rssMiB)} / ${mib(idleAfter.rssMiB)}`,
      ],
      ['per idle tunnel', `${perTunnelKiB.toFixed(1)} KiB`],
      ['fds before / with tunnels / after close', `${idleBase.fds} / ${atPeak.fds} / ${idleAfter.fds}`],
      ['soak operations ok', JSON.stringify(counts.ok)],
      [
        'soak operations failed',
        `${JSON.stringify(counts.failed)}${counts.firstError === null ? '' : ` first: ${counts.firstError}`}`,
      ],
      [
        'soak RSS before / peak / after',
        `${mib(soakBase.rssMiB)} / ${mib(soakPeak.rssMiB)} / ${mib(soakAfter.rssMiB)}`,
      ],
      ['soak fds before / after', `${soakBase.fds} / ${soakAfter.fds}`],
      ['connection-limit rejections', String(limitRejections)],
    ];
    const width = Math.max(...rows.map((r) => r[0]?.length ?? 0));
    const table = ['soak', ...rows.map(([k, v]) => `  ${(k ?? '').padEnd(width)}  ${v ?? ''}`)].join('\n');
    const failedOps = Object.values(counts.failed).reduce((a, b) => a + b, 0);
    return {
      suite: 'soak',
      table,
      figures: {
        settings,
        limit,
        tunnels,
        opened,
        openSeconds,
        idleBase,
        atPeak,
        idleAfter,
        perTunnelKiB,
        counts,
        soakBase,
        soakPeak,
        soakAfter,
      },
      goals: [
        {
          goal: `RSS under 100 MB with ${settings.tunnels} idle tunnels (issue 10, native relay)`,
          met: opened.opened === tunnels && projectedMiB * 1.048576 < 100,
          detail:
            tunnels === settings.tunnels
              ? `${(atPeak.rssMiB * 1.048576).toFixed(1)} MB with relay ${gateway.relay}`
              : `${(projectedMiB * 1.048576).toFixed(1)} MB projected from ${tunnels} tunnels (the descriptor hard limit ${limit} allows no more), relay ${gateway.relay}`,
        },
        {
          goal: `RSS under 200 MB with ${settings.tunnels} idle tunnels`,
          met: opened.opened === tunnels && projectedMiB * 1.048576 < 200,
          detail:
            tunnels === settings.tunnels
              ? `${(atPeak.rssMiB * 1.048576).toFixed(1)} MB`
              : `${(projectedMiB * 1.048576).toFixed(1)} MB projected from ${tunnels} tunnels`,
        },
        {
          goal: 'descriptors back to baseline after the tunnels and after the soak',
          met: idleAfter.fds <= idleBase.fds && soakAfter.fds <= soakBase.fds,
          detail: `${idleAfter.fds}/${idleBase.fds}, ${soakAfter.fds}/${soakBase.fds}`,
        },
        {
          goal: 'RSS back near baseline after the soak (within 10%)',
          met: soakAfter.rssMiB <= soakBase.rssMiB * 1.1,
          detail: `${mib(soakAfter.rssMiB)} vs ${mib(soakBase.rssMiB)}`,
        },
        { goal: 'no failed soak operation', met: failedOps === 0, detail: `${failedOps} failed` },
      ],
    };
  } finally {
    await gateway.stop();
    load.child.kill('SIGTERM');
    upstreams.child.kill('SIGTERM');
  }
}
