import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../report/format-table.js';
import type { SuiteResult } from '../suite-result.js';
import { readBenchSettings } from './bench-settings.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { pickFreePort } from './free-port.js';
import { startLoadClient } from './load-client-process.js';
import { measureContenders, type Contender } from './measure-contenders.js';
import { summarizeRatios } from './summarize-ratios.js';
import { egressgateAvailable, scrapeMetrics, startEgressgate } from './start-egressgate.js';
import { startSquid } from './start-squid.js';
import { startUpstreamServer } from './upstream-server.js';

const AUTHORITY = 'management.azure.com:443';

/** Issue 3 item 8, explicit proxy: direct vs squid vs a naive Node proxy vs egressgate, one run. */
export async function runExplicitSuite(
  workDir: string,
  progress: (line: string) => void,
): Promise<SuiteResult> {
  const settings = readBenchSettings();
  const upstream = await startUpstreamServer();
  const servers: ChildServer[] = [];
  const client = startLoadClient();
  try {
    const contenders: Contender[] = [{ name: 'direct', route: { kind: 'direct', port: upstream.port } }];
    const squidPort = await pickFreePort();
    servers.push(await startSquid(workDir, squidPort, { 'management.azure.com': '127.0.0.1' }));
    // squid has no connect-to: its hosts_file maps the name, and the CONNECT names the sink's real port.
    const squidAuthority = `management.azure.com:${upstream.port}`;
    contenders.push({
      name: 'squid',
      route: { kind: 'connect', port: squidPort, authority: squidAuthority },
    });
    const naivePort = await pickFreePort();
    servers.push(await startNaive(workDir, naivePort, `${AUTHORITY}=127.0.0.1:${upstream.port}`));
    contenders.push({
      name: 'naive-node',
      route: { kind: 'connect', port: naivePort, authority: AUTHORITY },
    });
    let adminPort: number | null = null;
    if (egressgateAvailable()) {
      const explicitPort = await pickFreePort();
      adminPort = await pickFreePort();
      const setup = {
        explicitPort,
        adminPort,
        transparentTlsPort: await pickFreePort(),
        upstreamPort: upstream.port,
      };
      servers.push(await startEgressgate(workDir, setup));
      contenders.push({
        name: 'egressgate',
        route: { kind: 'connect', port: explicitPort, authority: AUTHORITY },
      });
    } else {
      progress('src/app.ts not there yet: egressgate skipped');
    }
    const results = await measureContenders(client, contenders, settings, progress);
    const metrics = adminPort === null ? null : await scrapeMetrics(adminPort).catch((e: Error) => e.message);
    const ratios = summarizeRatios(results, 'egressgate', 'squid', 1.2);
    return {
      suite: 'proxy',
      table: formatTable(
        `Explicit proxy (CONNECT), ${settings.tunnelBytes / 2 ** 20} MiB tunnel, ${settings.concurrency} clients × ${settings.rateMs / 1000} s, median of ${settings.rounds}`,
        [
          'proxy',
          'tunnel MiB/s',
          'CONNECT/s',
          'p50 ms',
          'p99 ms',
          'errors',
          'MiB/s ÷ squid',
          'CONNECT/s ÷ squid',
        ],
        results.map((r) => [
          r.name,
          r.mibPerSecond,
          r.connectionsPerSecond,
          r.p50Ms,
          r.p99Ms,
          r.errors,
          ratioOf(r.mibPerSecond, results.find((x) => x.name === 'squid')?.mibPerSecond),
          ratioOf(r.connectionsPerSecond, results.find((x) => x.name === 'squid')?.connectionsPerSecond),
        ]),
        2,
      ),
      figures: { settings, results, metricsSample: metrics === null ? null : pickMetricLines(metrics) },
      goals: ratios,
    };
  } finally {
    await client.stop();
    for (const s of servers) await s.stop();
    await upstream.close();
  }
}

export function ratioOf(value: number, base: number | undefined): number | null {
  return base === undefined || base === 0 ? null : value / base;
}

export function pickMetricLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('egressgate_') && !l.includes('_bucket'));
}

function startNaive(workDir: string, port: number, mapping: string): Promise<ChildServer> {
  const script = fileURLToPath(new URL('./naive-connect-proxy.ts', import.meta.url));
  return startChildServer({
    name: 'naive-node',
    command: process.execPath,
    args: ['--import', 'tsx', script, String(port), mapping],
    ports: [port],
    logFile: path.join(workDir, 'naive-node.log'),
  });
}
