import { EgressgateError } from '../egressgate-error.js';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createApp, type App, type AppAddresses } from '../app.js';
import { resolveSettings } from '../config/resolve-settings.js';
import type { DenyStyle, ServeConfig } from '../config/serve-config.js';
import type { ServeSettings } from '../config/serve-settings.js';
import type { SocketAddress } from '../egress-request.js';
import { loadPolicy } from '../policy/load-policy.js';
import type { Mode } from '../policy/decision.js';
import { formatAddress } from '../address/format-host-port.js';
import { listenServer, closeServer } from '../net/listen-server.js';
import { createLabServer } from './create-lab-server.js';
import { createLabCa, generateKeyPair, issueLeafCertificate, type KeyPair } from './lab-certificates.js';
import { isSampleLabel, listLabEndpoints, type LabEndpoint } from './list-lab-endpoints.js';

export class LabError extends EgressgateError<'LAB_SETUP'> {
  constructor(message: string) {
    super('LAB_SETUP', message);
  }
}

export interface LabOptions {
  readonly policiesDir: string | readonly string[];
  readonly profiles: readonly string[];
  readonly parameters: Readonly<Record<string, string>>;
  /** Stands in for the wildcard in `*.name` and `ab*.name` patterns. */
  readonly sampleLabel: string;
  /** Where the simulated endpoints listen (one port for all of them). */
  readonly endpointsHost: string;
  /** The proxy's own settings, as in a serve config file: listen, transparent listeners, clients. */
  readonly proxy: Pick<
    ServeConfig,
    'listen' | 'admin' | 'transparentTls' | 'transparentHttp' | 'allowClients'
  >;
  readonly denyStyle: DenyStyle;
  readonly mode: Mode;
  readonly latencyMs: number;
  readonly idleMs?: number;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readOriginalDestination?: (socket: Socket) => SocketAddress | null;
  /** Tests pass keys they generated once; the CLI generates fresh ones. */
  readonly keys?: { readonly ca: KeyPair; readonly leaf: KeyPair };
}

export interface Lab {
  readonly proxy: AppAddresses;
  readonly endpointsAddress: AddressInfo;
  readonly endpoints: readonly LabEndpoint[];
  readonly caPem: string;
  stop(): Promise<void>;
}

/**
 * A restricted datacenter on one machine: simulated HTTPS/HTTP endpoints for every concrete name
 * the profiles allow, and egressgate in front of them with `connectTo` pointing each name at the
 * simulator. Nothing leaves the machine; a denied name is refused exactly as in production.
 */
export async function startLab(options: LabOptions): Promise<Lab> {
  if (!isSampleLabel(options.sampleLabel)) {
    throw new LabError(`--sample-label "${options.sampleLabel}": expected one DNS label (a-z, 0-9, -)`);
  }
  const policy = await loadPolicy({
    dir: options.policiesDir,
    profiles: options.profiles,
    parameters: options.parameters,
  });
  const endpoints = listLabEndpoints(policy, options.sampleLabel);
  if (endpoints.length === 0) {
    throw new LabError(`profiles ${options.profiles.join(', ')} allow no host names to simulate`);
  }
  const keys = options.keys ?? { ca: generateKeyPair(), leaf: generateKeyPair() };
  const ca = createLabCa(keys.ca);
  const leaf = issueLeafCertificate(
    ca,
    endpoints.map((e) => e.host),
    keys.leaf,
  );

  const labServer = createLabServer(leaf);
  const labSockets = trackSockets(labServer);
  const endpointsAddress = await listenServer(labServer, options.endpointsHost, 0);
  const to = formatAddress(endpointsAddress);
  const config: ServeConfig = {
    listen: '127.0.0.1:3128',
    ...options.proxy,
    policies: options.policiesDir,
    profiles: options.profiles,
    parameters: options.parameters,
    mode: options.mode,
    denyStyle: options.denyStyle,
    // Empty PORT1: every port the rules allow for a name reaches the one simulator port.
    connectTo: endpoints.map((e) => `${e.host}::${to}`),
    ...(options.idleMs === undefined ? {} : { timeouts: { idleMs: options.idleMs } }),
  };
  let app: App | null = null;
  let proxy: AppAddresses;
  try {
    // `policies` is always set above, so the fallback directory is never used.
    const resolved = resolveSettings(config, { defaultPoliciesDir: '' });
    const settings: ServeSettings = {
      ...resolved,
      admin: options.proxy.admin === undefined ? null : resolved.admin,
      latencyMs: options.latencyMs,
    };
    app = createApp({
      config: settings,
      logger: options.logger,
      registry: options.registry,
      ...(options.readOriginalDestination === undefined
        ? {}
        : { readOriginalDestination: options.readOriginalDestination }),
    });
    proxy = await app.start();
  } catch (err) {
    await app?.stop();
    await stopLabServer(labServer, labSockets);
    throw err;
  }
  const started: App = app;
  return {
    proxy,
    endpointsAddress,
    endpoints,
    caPem: ca.certPem,
    async stop() {
      await started.stop();
      await stopLabServer(labServer, labSockets);
    },
  };
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

async function stopLabServer(server: Server, sockets: Set<Socket>): Promise<void> {
  const closing = closeServer(server, false);
  for (const socket of sockets) socket.destroy();
  await closing;
}
