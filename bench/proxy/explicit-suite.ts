import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SuiteResult } from '../suite-result.js';
import { readBenchSettings } from './bench-settings.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { formatContenderTable } from './format-contender-table.js';
import { pickFreePort } from './free-port.js';
import { startLoadClient } from './load-client-process.js';
import { measureContenders, type Contender } from './measure-contenders.js';
import { pickMetricLines } from './pick-metric-lines.js';
import { scrapeMetrics, startEgressgate } from './start-egressgate.js';
import { startSquid } from './start-squid.js';
import { summarizeRatios } from './summarize-ratios.js';
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
  const start = async (server: Promise<ChildServer>): Promise<number> => {
    const started = await server;
    servers.push(started);
    return started.pid;
  };
  try {
    const contenders: Contender[] = [{ name: 'direct', route: { kind: 'direct', port: upstream.port } }];
    const squidPort = await pickFreePort();
    const squidPid = await start(startSquid(workDir, squidPort, { 'management.azure.com': '127.0.0.1' }));
    // squid has no connect-to: its hosts_file maps the name, and the CONNECT names the sink's real port.
    const squidAuthority = `management.azure.com:${upstream.port}`;
    contenders.push({
      name: 'squid',
      pid: squidPid,
      route: { kind: 'connect', port: squidPort, authority: squidAuthority },
    });
    const naivePort = await pickFreePort();
    const naivePid = await start(startNaive(workDir, naivePort, `${AUTHORITY}=127.0.0.1:${upstream.port}`));
    contenders.push({
      name: 'naive-node',
      pid: naivePid,
      route: { kind: 'connect', port: naivePort, authority: AUTHORITY },
    });
    const explicitPort = await pickFreePort();
    const adminPort = await pickFreePort();
    const setup = {
      explicitPort,
      adminPort,
      transparentTlsPort: await pickFreePort(),
      upstreamPort: upstream.port,
    };
    const pid = await start(startEgressgate(workDir, setup));
    contenders.push({
      name: 'egressgate',
      pid,
      route: { kind: 'connect', port: explicitPort, authority: AUTHORITY },
    });
    const results = await measureContenders(client, contenders, settings, progress);
    const metrics = await scrapeMetrics(adminPort).catch((e: Error) => e.message);
    return {
      suite: 'proxy',
      table: formatContenderTable(
        `Explicit proxy (CONNECT): ${settings.tunnelBytes / 2 ** 20} MiB tunnel; ${settings.concurrency} clients × ${settings.rateMs / 1000} s of CONNECT + 1-byte echo + close; median of ${settings.rounds} rounds`,
        results,
        'squid',
      ),
      figures: { settings, results, metricsSample: pickMetricLines(metrics) },
      goals: summarizeRatios(results, 'egressgate', 'squid', 1.2),
    };
  } finally {
    await client.stop();
    for (const s of servers) await s.stop();
    await upstream.close();
  }
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
