import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ListenAddress } from './config/parse-listen-address.js';
import type { ServeSettings } from './config/serve-settings.js';
import type { SocketAddress } from './egress-request.js';
import { createListenerSet } from './listeners/create-listener-set.js';
import { createPendingLimitWarning } from './listeners/create-pending-limit-warning.js';
import type { ListenerOptions } from './listeners/listener-options.js';
import { addDialLatency } from './net/add-dial-latency.js';
import { createDialer, systemResolver, type Resolver } from './net/create-dialer.js';
import { ConfigError } from './config/config-error.js';
import type { RelayKind } from './net/native-relay.js';
import { isOriginalDestinationAvailable, readOriginalDestination } from './net/original-destination.js';
import { prepareRelay } from './net/prepare-relay.js';
import { readPackageVersion } from './observe/read-package-version.js';
import { createAdminServer, type AdminServer } from './observe/create-admin-server.js';
import { describePolicy } from './proxy/describe-policy.js';
import { createLiveEndpoints } from './observe/create-live-endpoints.js';
import { LiveFeed } from './observe/live-feed.js';
import { createMetrics, type Metrics } from './observe/create-metrics.js';
import { createRecorder } from './observe/create-recorder.js';
import { DeniedTracker } from './observe/denied-tracker.js';
import { loadPolicy } from './policy/load-policy.js';
import { createPendingConnections } from './listeners/pending-connections.js';
import { ActiveConnections } from './proxy/active-connections.js';
import type { EgressContext } from './proxy/egress-context.js';
import { loadPolicyState, type LoadPolicy, type PolicyState } from './proxy/policy-state.js';

export interface AppDeps {
  readonly config: ServeSettings;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly resolver?: Resolver;
  readonly clock?: { now(): number };
  readonly loadPolicy?: LoadPolicy;
  /**
   * SO_ORIGINAL_DST for transparent listeners (the function returns null where a socket has none);
   * null = this host cannot read it at all. Absent = the native addon, when it is built.
   */
  readonly readOriginalDestination?: ((socket: Socket) => SocketAddress | null) | null;
  /** Proxy Basic-auth passwords by user. */
  readonly passwords?: ReadonlyMap<string, string>;
  /** Node's process metrics; tests that build many apps turn them off. */
  readonly defaultMetrics?: boolean;
  /**
   * A listening socket for each proxy listener (a worker's SO_REUSEPORT socket from the addon);
   * absent = the app binds host:port itself.
   */
  readonly listenFd?: (address: ListenAddress) => number;
  /** Ports this gateway serves from another process (a worker's primary runs the admin server). */
  readonly ownAddresses?: readonly SocketAddress[];
  /** Recent denials behind /denied; a worker passes its own to answer the primary. */
  readonly denied?: DeniedTracker;
  /** How often open native tunnels report their bytes to the metrics (default 5 s). */
  readonly relayProgressMs?: number;
  /** Package version for egressgate_build_info; read from package.json when absent. */
  readonly version?: string;
}

export interface AppAddresses {
  readonly listen: AddressInfo;
  readonly admin: AddressInfo | null;
  readonly transparentTls: readonly AddressInfo[];
  readonly transparentHttp: readonly AddressInfo[];
  readonly transparentTcp: readonly AddressInfo[];
}

/** What a reload may change: the client groups (profiles, parameters, mode) and the policies dir. */
export type PolicySource = Pick<ServeSettings, 'groups' | 'policiesDir' | 'serviceTags'>;

export interface App {
  start(): Promise<AppAddresses>;
  /** Closes everything at once: listeners, open connections (`drained`), the admin server. */
  stop(): Promise<void>;
  /**
   * Loads the policy again and swaps it in; on error the old policy stays and the error is thrown.
   * `next` carries client groups and the policies dir from a re-read config file; listeners, limits
   * and timeouts stay as started.
   */
  reloadPolicy(next?: PolicySource): Promise<void>;
  /**
   * Readiness false (/readyz 503), listeners stop accepting, open connections get up to timeoutMs
   * to finish, then the rest are closed (`drained`).
   */
  drain(timeoutMs: number): Promise<void>;
  activeConnections(): number;
  readonly metrics: Metrics;
  /** Which relay carries allowed tunnels (`relay` config, native only where the addon is built). */
  readonly relay: RelayKind;
}

/** The composition root: one policy reference, one dialer, one recorder, every listener. */
export function createApp(deps: AppDeps): App {
  const { config, logger, registry } = deps;
  const clock = deps.clock ?? { now: () => performance.now() };
  const load = deps.loadPolicy ?? loadPolicy;
  const relay = prepareRelay(config.relay, logger, { progressMs: deps.relayProgressMs ?? 5_000 });
  const metrics = createMetrics(registry, {
    deniedTopN: config.deniedTopN,
    ...(deps.defaultMetrics === undefined ? {} : { defaultMetrics: deps.defaultMetrics }),
    build: { version: deps.version ?? readPackageVersion(), relay: relay.kind },
  });
  const denied = deps.denied ?? new DeniedTracker(1_000, () => Date.now());
  const live = new LiveFeed(50, () => Date.now());
  let source: PolicySource = config;
  const profilesOf = (group: string | null): readonly string[] =>
    source.groups.find((g) => g.name === group)?.profiles ?? [];
  const recorder = createRecorder({
    logger,
    metrics,
    denied,
    profilesOf,
    decisions: config.logDecisions,
    live,
  });
  const active = new ActiveConnections(config.limits.maxConnections);
  const listeners = createListenerSet({
    logger,
    active,
    ownAddresses: deps.ownAddresses,
    listenFd: deps.listenFd,
  });
  let admin: AdminServer | null = null;
  let state: PolicyState | null = null;
  let loadedAt = 0;
  let ready = false;
  const idPrefix = randomBytes(3).toString('hex');
  let nextId = 0;

  const ctx: EgressContext = {
    policy: () => state as PolicyState,
    dialer: addDialLatency(
      createDialer({
        resolver: deps.resolver ?? systemResolver,
        connectTo: config.connectTo,
        upstreamProxy: config.upstreamProxy,
        connectTimeoutMs: config.timeouts.connectMs,
        isOwnAddress: listeners.isOwnAddress,
      }),
      config.latencyMs ?? 0,
    ),
    recorder,
    active,
    now: () => clock.now(),
    newId: () => `${idPrefix}-${(++nextId).toString(36)}`,
  };
  const options: ListenerOptions = {
    maxHeaderBytes: config.limits.maxHeaderBytes,
    headersTimeoutMs: config.limits.headersTimeoutMs,
    helloTimeoutMs: config.limits.helloTimeoutMs,
    maxHelloBytes: config.limits.maxHelloBytes,
    idleMs: config.timeouts.idleMs,
    passwords: deps.passwords ?? new Map(),
    tunnelSniCheck: config.tunnelSniCheck,
    nativeRelay: relay.native,
    pending: createPendingConnections({
      max: config.limits.maxPendingConnections,
      onReject: createPendingLimitWarning({ metrics, logger, now: () => clock.now() }),
    }),
  };
  const readOriginal =
    deps.readOriginalDestination !== undefined
      ? deps.readOriginalDestination
      : isOriginalDestinationAvailable()
        ? readOriginalDestination
        : null;

  async function loadState(from: PolicySource): Promise<PolicyState> {
    const next = await loadPolicyState(from.groups, from.policiesDir, load, from.serviceTags);
    metrics.setPolicyInfo(
      from.groups.map((g) => ({
        group: g.name,
        profiles: g.profiles,
        parameters: g.parameters,
        mode: g.mode,
      })),
    );
    return next;
  }

  function swapIn(next: PolicyState): void {
    state = next;
    loadedAt = Date.now();
    metrics.setPolicyLoadedAt(loadedAt);
  }

  return {
    async start() {
      // Without the original destination a transparent-tcp connection could be decided on nothing.
      if (config.transparentTcp.length > 0 && readOriginal === null) {
        throw new ConfigError(
          'transparentTcp needs the original destination of each redirected connection (SO_ORIGINAL_DST), ' +
            'and the native addon that reads it is not built here (Linux with a C compiler: node scripts/build-native.mjs); ' +
            'use transparentTls/transparentHttp with a DEST_PORT instead, or build the addon',
        );
      }
      swapIn(await loadState(source));
      relay.start();
      const addresses = await listeners.open(ctx, options, {
        listen: config.listen,
        transparentTls: config.transparentTls,
        transparentHttp: config.transparentHttp,
        transparentTcp: config.transparentTcp,
        peekTimeoutMs: config.limits.peekTimeoutMs,
        readOriginalDestination: readOriginal ?? ((): null => null),
      });
      let adminAddress: AddressInfo | null = null;
      if (config.admin !== null) {
        admin = createAdminServer({
          registry,
          readiness: () => ready,
          policyInfo: () => (state === null ? null : describePolicy(state, loadedAt)),
          denied,
          extraEndpoints: createLiveEndpoints(live, denied),
        });
        adminAddress = await admin.listen(config.admin);
        // Its own port too: a CIDR rule over loopback or a connect-to mapping must not reach it.
        listeners.addOwnAddress(adminAddress);
      }
      ready = true;
      return { ...addresses, admin: adminAddress };
    },

    metrics,
    get relay() {
      return relay.kind;
    },

    async stop() {
      ready = false;
      await listeners.close({ force: true, timeoutMs: 0 });
      relay.stop();
      await admin?.close();
    },

    async reloadPolicy(next) {
      // Assigned only after a complete load: a failed reload leaves the old policy in force.
      swapIn(await loadState(next ?? source));
      source = next ?? source;
    },

    async drain(timeoutMs) {
      ready = false;
      await listeners.close({ force: false, timeoutMs });
    },

    activeConnections: () => active.size,
  };
}
