import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SuiteResult } from '../suite-result.js';
import { readBenchSettings } from './bench-settings.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { formatContenderTable } from './format-contender-table.js';
import { pickFreePort } from './free-port.js';
import { startLoadClient } from './load-client-process.js';
import { checkLoadHeadroom, measureContenders, type Contender } from './measure-contenders.js';
import { startEgressgateContenders } from './start-egressgate-contenders.js';
import { pickMetricLines, scrapeMetrics } from '../scrape-metrics.js';
import { startHaproxy } from './start-haproxy.js';
import { startSquid } from './start-squid.js';
import { summarizeRatios } from './summarize-ratios.js';
import { startUpstreamServer } from './upstream-server.js';

const AUTHORITY = 'management.azure.com:443';

/**
 * Issue 10 item 5, explicit proxy: direct vs squid vs haproxy (plain TCP, splice: a relay with no
 * CONNECT to parse) vs a naive Node proxy vs egressgate with each relay, one run.
 */
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
    const haproxyPort = await pickFreePort();
    const haproxyPid = await start(startHaproxy(workDir, haproxyPort, { kind: 'tcp' }, upstream.port));
    contenders.push({ name: 'haproxy-tcp', pid: haproxyPid, route: { kind: 'direct', port: haproxyPort } });
    const naivePort = await pickFreePort();
    const naivePid = await start(startNaive(workDir, naivePort, `${AUTHORITY}=127.0.0.1:${upstream.port}`));
    contenders.push({
      name: 'naive-node',
      pid: naivePid,
      route: { kind: 'connect', port: naivePort, authority: AUTHORITY },
    });
    const egressgate = await startEgressgateContenders(
      workDir,
      upstream.port,
      (ports) => ({ kind: 'connect', port: ports.explicitPort, authority: AUTHORITY }),
      (server) => servers.push(server),
    );
    contenders.push(...egressgate.contenders);
    for (const u of egressgate.unavailable) progress(`${u.name} unavailable: ${u.unavailable}`);
    const results = await measureContenders(client, contenders, settings, progress);
    const adminPort = egressgate.adminPorts[0];
    const metrics =
      adminPort === undefined ? null : await scrapeMetrics(adminPort).catch((e: Error) => e.message);
    return {
      suite: 'proxy',
      table: formatContenderTable(
        `Explicit proxy (CONNECT): ${settings.streams} × ${settings.tunnelBytes / settings.streams / 2 ** 20} MiB tunnels at once; ${settings.concurrency} clients × ${settings.rateMs / 1000} s of CONNECT + 1-byte echo + close; median of ${settings.rounds} rounds`,
        results,
        'squid',
        egressgate.unavailable,
      ),
      figures: {
        settings,
        results,
        unavailable: egressgate.unavailable,
        metricsSample: metrics === null ? null : pickMetricLines(metrics),
      },
      goals: [
        checkLoadHeadroom(results),
        ...results
          .filter((r) => r.name.startsWith('egressgate'))
          // Issue 10's goals: ≥ 1.2× squid's MiB/s, ≤ 0.8× its CPU per GiB, ≤ 1.0× per connection.
          .flatMap((r) =>
            summarizeRatios(results, r.name, 'squid', {
              throughput: 1.2,
              cpuPerGiB: 1.25,
              cpuPerConnection: 1,
            }),
          ),
      ],
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
