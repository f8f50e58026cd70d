import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { createApp, type AppAddresses, type PolicySource } from '../app.js';
import { ConfigError } from '../config/config-error.js';
import { demoConfig, describeDemo } from '../config/demo-config.js';
import { loadConfigWithOrigin, type ConfigOrigin } from '../config/load-config.js';
import { mergeServeFlags, type ServeFlags } from '../config/merge-serve-flags.js';
import { readProxyPasswords } from '../config/read-proxy-passwords.js';
import { resolveSettings } from '../config/resolve-settings.js';
import { serveDefaults } from '../config/serve-defaults.js';
import { createLogger, isLogLevel } from '../observe/create-logger.js';
import type { RelayKind } from '../net/native-relay.js';
import { selectRelay } from '../net/select-relay.js';
import { describeHeapTuning } from '../observe/describe-heap-tuning.js';
import { createLogOutput } from '../observe/create-log-output.js';
import { superviseApp } from '../reload/supervise-app.js';
import { serveWithWorkers } from '../workers/serve-with-workers.js';
import { collectKeyValue, collectList } from './collect.js';
import { defaultPoliciesDir } from './default-policies-dir.js';
import { formatAddress } from '../address/format-host-port.js';

interface ServeOptions extends ServeFlags {
  readonly config?: string;
  readonly demo?: boolean;
  readonly logLevel?: string;
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
  const pretty = output.stream === null && process.stdout.isTTY === true;
  const announce = (addresses: AppAddresses, logger: Logger, relay?: RelayKind): void => {
    const proxy = formatAddress(addresses.listen);
    const admin = addresses.admin === null ? null : formatAddress(addresses.admin);
    if (opts.demo === true) process.stderr.write(describeDemo(proxy, admin));
    else {
      const extra = [
        ...addresses.transparentTls,
        ...addresses.transparentHttp,
        ...addresses.transparentTcp,
      ].map(formatAddress);
      process.stderr.write(
        `egressgate: proxy on ${proxy}${extra.length > 0 ? `, transparent on ${extra.join(', ')}` : ''}` +
          `${admin === null ? '' : `, admin on ${admin}`}` +
          `${settings.workers > 1 ? `, ${settings.workers} workers` : ''}\n`,
      );
    }
    logger.info(
      {
        event: 'start',
        listen: proxy,
        admin,
        groups: settings.groups.map((g) => g.name),
        ...(settings.workers > 1 ? { workers: settings.workers } : {}),
        // Workers choose their relay the same way from the same settings.
        relay: relay ?? selectRelay(settings.relay).kind,
        ...describeHeapTuning(process.env),
      },
      'egressgate started',
    );
  };
  const watchDirs = [
    ...[settings.policiesDir].flat().map((dir) => resolve(dir)),
    ...(opts.config === undefined ? [] : [dirname(resolve(opts.config))]),
  ];
  // A reload re-reads the config file too: its client groups, profiles and parameters may have changed.
  const { config } = opts;
  const readSource = async (): Promise<PolicySource> => {
    if (config === undefined) return settings;
    const again = await loadConfigWithOrigin(config);
    return resolveSettings(mergeServeFlags(again.config, opts), withOrigin(again.origin));
  };
  if (settings.workers > 1) {
    process.exitCode = await serveWithWorkers({
      settings,
      logLevel: level,
      pretty,
      readSource,
      watchDirs,
      announce,
      output,
    });
    await output.close();
    return;
  }
  const logger = createLogger(
    output.stream === null ? { level, pretty } : { level, destination: output.stream },
  );
  const app = createApp({ config: settings, logger, registry: new Registry(), passwords });
  announce(await app.start(), logger, app.relay);
  const reloadPolicy = async (): Promise<void> =>
    app.reloadPolicy(config === undefined ? undefined : await readSource());
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
    .option('--listen <addr:port>', `explicit proxy address (default ${serveDefaults.listen})`)
    .option('--transparent-tls <addr:port[=dest_port]>', 'transparent TLS listener (repeatable)', collectList)
    .option(
      '--transparent-http <addr:port[=dest_port]>',
      'transparent HTTP listener (repeatable)',
      collectList,
    )
    .option(
      '--transparent-tcp <addr:port>',
      'transparent listener for redirected traffic of any protocol; needs SO_ORIGINAL_DST (repeatable)',
      collectList,
    )
    .option(
      '--admin <addr:port>',
      `admin server with /metrics, /healthz, /readyz (default ${serveDefaults.admin})`,
    )
    .option(
      '--log-level <level>',
      `fatal | error | warn | info | debug | trace | silent (default ${serveDefaults.log.level})`,
    )
    .option(
      '--log-decisions <which>',
      `decision and close lines, whatever the log level: all | deny | none (default ${serveDefaults.log.decisions})`,
    )
    .option('--mode <mode>', `enforce | report (default ${serveDefaults.mode})`)
    .option(
      '--deny-style <style>',
      `how denials look: forbidden (403 / TLS alert) | reset (TCP RST) | drop (silence) (default ${serveDefaults.denyStyle})`,
    )
    .option('--latency <ms>', 'lab: delay every allowed connection by MS before dialing')
    .option(
      '--connect-to <h1:p1:h2:p2>',
      "connect to h2:p2 instead of h1:p1 (curl's syntax; repeatable)",
      collectList,
    )
    .option('--upstream-proxy <url>', 'send allowed traffic through a parent proxy (http://HOST:PORT)')
    .option('--allow-client <cidr>', 'client addresses allowed to use the proxy (repeatable)', collectList)
    .option(
      '--workers <n|auto>',
      `processes sharing the ports with SO_REUSEPORT (default ${serveDefaults.workers}; auto = CPUs)`,
    )
    .option('--demo', 'run a safe loopback demo (azure-arc-kubernetes, region westeurope)')
    .action(async (opts: ServeOptions) => {
      await runServe(opts);
    });
}
