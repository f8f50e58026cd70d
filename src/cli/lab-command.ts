import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Registry } from 'prom-client';
import type { DenyStyle } from '../config/serve-config.js';
import { describeLab } from '../lab/describe-lab.js';
import { LabError, startLab } from '../lab/start-lab.js';
import { createLogger } from '../observe/create-logger.js';
import type { Mode } from '../policy/decision.js';
import { collectKeyValue, collectList } from './collect.js';
import { POLICIES_FLAG, policiesDirs } from './policies-dirs.js';

interface EndpointsOptions {
  profile: string[];
  set: Record<string, string>;
  policies: string[];
  sampleLabel: string;
  caOut: string;
  listen: string;
  endpointsHost: string;
  transparentTls: string[];
  transparentHttp: string[];
  allowClient: string[];
  admin?: string;
  mode: Mode;
  denyStyle: DenyStyle;
  latency: number;
}

function parseChoice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`one of ${choices.join(', ')}`);
    return value as T;
  };
}

function parseLatency(value: string): number {
  if (!/^[0-9]{1,7}$/.test(value)) throw new InvalidArgumentError('a whole number of milliseconds');
  return Number(value);
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function runEndpoints(opts: EndpointsOptions): Promise<void> {
  if (opts.profile.length === 0) throw new LabError('lab endpoints: --profile NAME is required');
  const lab = await startLab({
    policiesDir: policiesDirs(opts.policies),
    profiles: opts.profile,
    parameters: opts.set,
    sampleLabel: opts.sampleLabel,
    endpointsHost: opts.endpointsHost,
    proxy: {
      listen: opts.listen,
      ...(opts.admin === undefined ? {} : { admin: opts.admin }),
      transparentTls: opts.transparentTls,
      transparentHttp: opts.transparentHttp,
      allowClients: opts.allowClient,
    },
    denyStyle: opts.denyStyle,
    mode: opts.mode,
    latencyMs: opts.latency,
    logger: createLogger({ level: 'info' }),
    registry: new Registry(),
  });
  try {
    const caPath = resolve(opts.caOut);
    await writeFile(caPath, lab.caPem, { mode: 0o644 });
    process.stderr.write(
      describeLab({
        profiles: opts.profile,
        proxy: lab.proxy,
        endpointsAddress: lab.endpointsAddress,
        endpoints: lab.endpoints,
        caPath,
      }),
    );
    await waitForStopSignal();
  } finally {
    await lab.stop();
  }
}

/** `egressgate lab endpoints`: rehearse a restricted datacenter on one machine, without internet. */
export function createLabCommand(): Command {
  const lab = new Command('lab').description(
    'Rehearse a restricted datacenter locally: simulated endpoints behind egressgate',
  );
  lab
    .command('endpoints')
    .description(
      'Start local HTTPS/HTTP simulators for every name the profiles allow (a lab CA signs them) and egressgate in front of them',
    )
    .option('-p, --profile <name>', 'profile to simulate (repeatable)', collectList, [])
    .option('-s, --set <key=value>', 'profile parameter (repeatable)', collectKeyValue, {})
    .option(...POLICIES_FLAG)
    .option('--sample-label <label>', 'stands in for wildcards: *.x -> LABEL.x, ab*.x -> abLABEL.x', 'lab')
    .option('--ca-out <file>', 'where the lab CA certificate is written', './egressgate-lab-ca.pem')
    .option('--listen <addr:port>', 'explicit proxy address', '127.0.0.1:3128')
    .option('--endpoints-host <addr>', 'address the simulators listen on', '127.0.0.1')
    .option(
      '--transparent-tls <addr:port[=dest_port]>',
      'transparent TLS listener (repeatable)',
      collectList,
      [],
    )
    .option(
      '--transparent-http <addr:port[=dest_port]>',
      'transparent HTTP listener (repeatable)',
      collectList,
      [],
    )
    .option(
      '--allow-client <cidr>',
      'client addresses allowed to use the proxy (repeatable; none given: loopback only)',
      collectList,
      [],
    )
    .option('--admin <addr:port>', 'admin server with /metrics (default: none)')
    .option('--mode <mode>', 'enforce | report', parseChoice<Mode>(['enforce', 'report']), 'enforce')
    .option(
      '--deny-style <style>',
      'forbidden (403 / TLS alert) | reset (TCP RST) | drop (silence)',
      parseChoice<DenyStyle>(['forbidden', 'reset', 'drop']),
      'forbidden',
    )
    .option('--latency <ms>', 'delay every allowed connection by MS before dialing', parseLatency, 0)
    .action(async (opts: EndpointsOptions) => {
      await runEndpoints(opts);
    });
  return lab;
}
