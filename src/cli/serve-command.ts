import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { Registry } from 'prom-client';
import { createApp } from '../app.js';
import { ConfigError } from '../config/config-error.js';
import { demoConfig, describeDemo } from '../config/demo-config.js';
import { loadConfigWithOrigin, type ConfigOrigin } from '../config/load-config.js';
import { mergeServeFlags, type ServeFlags } from '../config/merge-serve-flags.js';
import { readProxyPasswords } from '../config/read-proxy-passwords.js';
import { resolveSettings } from '../config/resolve-settings.js';
import { createLogger, isLogLevel } from '../observe/create-logger.js';
import { createLogOutput } from '../observe/create-log-output.js';
import { superviseApp } from '../reload/supervise-app.js';
import { collectKeyValue, collectList } from './collect.js';
import { defaultPoliciesDir } from './default-policies-dir.js';

interface ServeOptions extends ServeFlags {
  readonly config?: string;
  readonly demo?: boolean;
  readonly logLevel?: string;
}

function formatHostPort(address: { address: string; port: number }): string {
  return address.address.includes(':')
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

async function runServe(opts: ServeOptions): Promise<void> {
  if (opts.demo === true && opts.config !== undefined) {
    throw new ConfigError('--demo runs the embedded demo config; leave out --config');
  }
  const loaded = opts.config === undefined ? null : await loadConfigWithOrigin(opts.config);
  const file = opts.demo === true ? demoConfig : (loaded?.config ?? {});
  const withOrigin = (
    origin: ConfigOrigin | undefined,
  ): { defaultPoliciesDir: string; origin?: ConfigOrigin } =>
    origin === undefined
      ? { defaultPoliciesDir: defaultPoliciesDir() }
      : { defaultPoliciesDir: defaultPoliciesDir(), origin };
  const settings = resolveSettings(mergeServeFlags(file, opts), withOrigin(loaded?.origin));
  const passwords = readProxyPasswords(settings.groups, process.env);
  const level = opts.logLevel ?? settings.logLevel;
  if (!isLogLevel(level)) {
    throw new ConfigError(`log level "${level}": expected fatal, error, warn, info, debug, trace or silent`);
  }
  const output = createLogOutput(settings.logDestination, process.stderr);
  // Human-readable only on a terminal; pipes, files, syslog and container logs get the JSON lines the audit reads.
  const logger = createLogger(
    output.stream === null
      ? { level, pretty: process.stdout.isTTY === true }
      : { level, destination: output.stream },
  );
  const app = createApp({ config: settings, logger, registry: new Registry(), passwords });
  const addresses = await app.start();
  const proxy = formatHostPort(addresses.listen);
  const admin = addresses.admin === null ? null : formatHostPort(addresses.admin);
  if (opts.demo === true) process.stderr.write(describeDemo(proxy, admin));
  else {
    const extra = [...addresses.transparentTls, ...addresses.transparentHttp].map(formatHostPort);
    process.stderr.write(
      `egressgate: proxy on ${proxy}${extra.length > 0 ? `, transparent on ${extra.join(', ')}` : ''}` +
        `${admin === null ? '' : `, admin on ${admin}`}\n`,
    );
  }
  logger.info(
    { event: 'start', listen: proxy, admin, groups: settings.groups.map((g) => g.name) },
    'egressgate started',
  );
  const watchDirs = [
    ...[settings.policiesDir].flat().map((dir) => resolve(dir)),
    ...(opts.config === undefined ? [] : [dirname(resolve(opts.config))]),
  ];
  // A reload re-reads the config file too: its client groups, profiles and parameters may have changed.
  const { config } = opts;
  const reloadPolicy = async (): Promise<void> => {
    if (config === undefined) return app.reloadPolicy();
    const again = await loadConfigWithOrigin(config);
    const next = resolveSettings(mergeServeFlags(again.config, opts), withOrigin(again.origin));
    return app.reloadPolicy(next);
  };
  const supervisor = superviseApp({
    app: { reloadPolicy, drain: (ms) => app.drain(ms), stop: () => app.stop() },
    logger,
    drainTimeoutMs: settings.drainTimeoutMs,
    watchDirs,
    metrics: app.metrics,
    stderr: process.stderr,
    ...(settings.logDestination.kind === 'file' ? { reopenLogs: () => output.reopen() } : {}),
  });
  await supervisor.stopped;
  await output.close();
}

export function createServeCommand(): Command {
  return new Command('serve')
    .description('Run the egress gateway: explicit proxy, transparent listeners and the admin server')
    .option('-c, --config <file>', 'YAML config file (flags override its keys)')
    .option(
      '-p, --profile <name>',
      'profile for the default client group (repeatable: the union)',
      collectList,
    )
    .option('-s, --set <key=value>', 'profile parameter (repeatable)', collectKeyValue)
    .option(
      '--policies <dir>',
      'directory of profiles (repeatable: a later one replaces a profile of the same name; default: the shipped policies/)',
      collectList,
    )
    .option('--listen <addr:port>', 'explicit proxy address (default 127.0.0.1:3128)')
    .option('--transparent-tls <addr:port[=dest_port]>', 'transparent TLS listener (repeatable)', collectList)
    .option(
      '--transparent-http <addr:port[=dest_port]>',
      'transparent HTTP listener (repeatable)',
      collectList,
    )
    .option('--admin <addr:port>', 'admin server with /metrics, /healthz, /readyz (default 127.0.0.1:9090)')
    .option('--log-level <level>', 'fatal | error | warn | info | debug | trace | silent (default info)')
    .option('--mode <mode>', 'enforce | report')
    .option(
      '--deny-style <style>',
      'how denials look: forbidden (403 / TLS alert) | reset (TCP RST) | drop (silence)',
    )
    .option('--latency <ms>', 'lab: delay every allowed connection by MS before dialing')
    .option(
      '--connect-to <h1:p1:h2:p2>',
      "connect to h2:p2 instead of h1:p1 (curl's syntax; repeatable)",
      collectList,
    )
    .option('--upstream-proxy <url>', 'send allowed traffic through a parent proxy (http://HOST:PORT)')
    .option('--allow-client <cidr>', 'client addresses allowed to use the proxy (repeatable)', collectList)
    .option('--demo', 'run a safe loopback demo (azure-arc-kubernetes, region westeurope)')
    .action(async (opts: ServeOptions) => {
      await runServe(opts);
    });
}
