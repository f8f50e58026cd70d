import { availableParallelism } from 'node:os';
import { parseConnectTo } from '../net/connect-to.js';
import type { HostPort } from '../net/parse-host-port.js';
import { parsePort } from '../address/parse-port.js';
import type { Mode } from '../policy/decision.js';
import { parseCidr } from '../policy/parse-cidr.js';
import { findProtectedOverlap } from '../policy/protected-ranges.js';
import type { ClientGroup, GroupOrigin } from './client-group.js';
import { ConfigError } from './config-error.js';
import type { ConfigOrigin } from './load-config.js';
import { checkCidr } from './check-cidr.js';
import {
  isLoopbackHost,
  parseListenAddress,
  parseTransparentAddress,
  type ListenAddress,
} from './parse-listen-address.js';
import type { ParameterValue, ServeConfig } from './serve-config.js';
import { serveDefaults } from './serve-defaults.js';
import { deepFreeze } from './deep-freeze.js';
import type { LogDestination, ServeSettings } from './serve-settings.js';

export interface ResolveOptions {
  /** Where `policies:` falls back to: the shipped policies/. */
  readonly defaultPoliciesDir: string;
  /** What `workers: auto` becomes; the CPUs this process may run on when absent. */
  readonly cpuCount?: number;
  /** The config file's line finder: errors about groups and CIDRs then name file and line. */
  readonly origin?: ConfigOrigin;
}

function toParameters(values: Readonly<Record<string, ParameterValue>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    out[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

function parseUpstreamProxy(raw: string | undefined): HostPort | null {
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`upstream proxy "${raw}" is not a URL`);
  }
  if (
    url.protocol !== 'http:' ||
    url.username !== '' ||
    url.port === '' ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    throw new ConfigError(`upstream proxy "${raw}": expected http://HOST:PORT`);
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
}

function privateDestinationsOf(
  cidrs: readonly string[] | undefined,
  what: string,
): { privateDestinations?: readonly string[] } {
  if (cidrs === undefined || cidrs.length === 0) return {};
  for (const text of cidrs) {
    const parsed = parseCidr(text);
    if (!parsed.ok) throw new ConfigError(`${what}: privateDestinations: ${parsed.error}`);
    // Private space only: a CIDR reaching this host or a metadata endpoint would open it to every
    // name the group may use.
    const protectedClass = findProtectedOverlap(parsed.cidr);
    if (protectedClass !== null) {
      throw new ConfigError(
        `${what}: privateDestinations: ${text} reaches ${protectedClass} addresses, which egressgate never dials for a group; name your own servers' private ranges only`,
      );
    }
  }
  return { privateDestinations: cidrs };
}

function resolveLogDestination(log: ServeConfig['log']): LogDestination {
  const destination = log?.destination ?? serveDefaults.log.destination;
  if (destination === 'file') {
    if (log?.file === undefined) throw new ConfigError('log.destination file needs log.file: PATH');
    return { kind: 'file', path: log.file };
  }
  if (destination === 'syslog') {
    const syslog = log?.syslog;
    if (syslog === undefined) throw new ConfigError('log.destination syslog needs log.syslog.address');
    const match = /^(udp|tcp):\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})$/.exec(syslog.address);
    const port = parsePort(match?.[3] ?? '');
    if (match === null || port === null) {
      throw new ConfigError(
        `log.syslog.address "${syslog.address}": expected udp://HOST:PORT or tcp://HOST:PORT`,
      );
    }
    return {
      kind: 'syslog',
      protocol: match[1] === 'tcp' ? 'tcp' : 'udp',
      host: (match[2] ?? '').replace(/^\[(.*)\]$/, '$1'),
      port,
      facility: syslog.facility ?? serveDefaults.log.syslog.facility,
      appName: syslog.appName ?? serveDefaults.log.syslog.appName,
    };
  }
  return { kind: 'stdout' };
}

/**
 * Client groups in force. Explicit groups first, then `allowClients` as a group named `default`;
 * with neither, loopback-only listeners get the implicit group `local`, anything else refuses to
 * start: egressgate must never be an open proxy.
 */
function groupOrigin(
  origin: ConfigOrigin | undefined,
  base: readonly (string | number)[],
): GroupOrigin | null {
  if (origin === undefined) return null;
  return { file: origin.file, locate: (path) => origin.locate([...base, ...path]) };
}

function checkCidrs(cidrs: readonly string[], group: string, origin: GroupOrigin | null, key: string): void {
  for (const [index, cidr] of cidrs.entries()) {
    const problem = checkCidr(cidr);
    if (problem === null) continue;
    const line = origin?.locate(key === 'allowClients' ? [index] : [key, index]) ?? null;
    throw new ConfigError(`client group ${group}: ${problem}`, { file: origin?.file ?? null, line });
  }
}

function resolveGroups(
  config: ServeConfig,
  listeners: readonly ListenAddress[],
  origin: ConfigOrigin | undefined,
): ClientGroup[] {
  const mode: Mode = config.mode ?? serveDefaults.mode;
  const denyStyle = config.denyStyle ?? serveDefaults.denyStyle;
  const groups: ClientGroup[] = [];
  const lines = new Map<string, number | null>();
  for (const [index, g] of (config.clientGroups ?? []).entries()) {
    const where = groupOrigin(origin, ['clientGroups', index]);
    const line = where?.locate([]) ?? null;
    if (lines.has(g.name)) {
      const first = lines.get(g.name);
      throw new ConfigError(
        `client group "${g.name}" is defined twice${first == null ? '' : ` (first at line ${first})`}; rename or merge one`,
        { file: origin?.file ?? null, line: where?.locate(['name']) ?? line },
      );
    }
    lines.set(g.name, line);
    checkCidrs(g.cidrs, g.name, where, 'cidrs');
    groups.push({
      name: g.name,
      cidrs: g.cidrs,
      users: g.users ?? null,
      profiles: g.profiles,
      parameters: toParameters(g.parameters),
      excludeRules: g.excludeRules ?? [],
      mode: g.mode ?? mode,
      denyStyle: g.denyStyle ?? denyStyle,
      maxConnections: g.maxConnections ?? null,
      ...privateDestinationsOf(g.privateDestinations, `client group "${g.name}"`),
      ...(where === null ? {} : { origin: where }),
    });
  }
  const base = {
    users: null,
    profiles: config.profiles ?? [],
    parameters: toParameters(config.parameters),
    excludeRules: config.excludeRules ?? [],
  };
  const fallback = {
    ...base,
    mode,
    denyStyle,
    maxConnections: null,
    ...privateDestinationsOf(config.privateDestinations, 'privateDestinations'),
  };
  // The implicit groups take profiles and parameters from the top level of the file.
  const top = groupOrigin(origin, []);
  const topOrigin = top === null ? {} : { origin: top };
  if ((config.allowClients ?? []).length > 0) {
    checkCidrs(config.allowClients ?? [], 'default', groupOrigin(origin, ['allowClients']), 'allowClients');
    groups.push({ name: 'default', cidrs: config.allowClients ?? [], ...fallback, ...topOrigin });
  } else if (groups.length === 0) {
    const open = listeners.filter((l) => !isLoopbackHost(l.host));
    if (open.length > 0) {
      const where = open.map((l) => `${l.host}:${l.port}`).join(', ');
      throw new ConfigError(
        `refusing to listen on ${where} with no client groups: add clientGroups to the config or --allow-client CIDR (egressgate is never an open proxy)`,
      );
    }
    groups.push({ name: 'local', cidrs: ['127.0.0.0/8', '::1/128'], ...fallback, ...topOrigin });
  }
  return groups;
}

function resolveWorkers(workers: ServeConfig['workers'], options: ResolveOptions): number {
  if (workers !== 'auto') {
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
      throw new ConfigError(`workers: expected 1-256 or auto, got ${String(workers)}`);
    }
    return workers ?? serveDefaults.workers;
  }
  return Math.min(256, Math.max(1, options.cpuCount ?? availableParallelism()));
}

/** The settings `serve` runs with: every absent key from `serveDefaults`, deeply frozen. */
export function resolveSettings(config: ServeConfig, options: ResolveOptions): ServeSettings {
  const listen = parseListenAddress(config.listen ?? serveDefaults.listen, 'listen');
  const admin = parseListenAddress(config.admin ?? serveDefaults.admin, 'admin');
  const transparentTls = (config.transparentTls ?? []).map((a) =>
    parseTransparentAddress(a, 'transparentTls', 443),
  );
  const transparentHttp = (config.transparentHttp ?? []).map((a) =>
    parseTransparentAddress(a, 'transparentHttp', 80),
  );
  const transparentTcp = (config.transparentTcp ?? []).map((a) => parseListenAddress(a, 'transparentTcp'));
  const connectTo = (config.connectTo ?? []).map((spec) => {
    try {
      return parseConnectTo(spec);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  });
  return deepFreeze({
    listen,
    admin,
    transparentTls,
    transparentHttp,
    transparentTcp,
    policiesDir: config.policies ?? options.defaultPoliciesDir,
    groups: resolveGroups(
      config,
      [listen, ...transparentTls, ...transparentHttp, ...transparentTcp],
      options.origin,
    ),
    serviceTags: config.servicetags ?? null,
    connectTo,
    latencyMs: config.latencyMs ?? serveDefaults.latencyMs,
    upstreamProxy: parseUpstreamProxy(config.upstreamProxy),
    limits: { ...serveDefaults.limits, ...config.limits },
    timeouts: { ...serveDefaults.timeouts, ...config.timeouts },
    drainTimeoutMs: config.drainTimeoutMs ?? serveDefaults.drainTimeoutMs,
    tunnelSniCheck: config.tunnelSniCheck ?? serveDefaults.tunnelSniCheck,
    workers: resolveWorkers(config.workers, options),
    relay: config.relay ?? null,
    logLevel: config.log?.level ?? serveDefaults.log.level,
    logDecisions: config.log?.decisions ?? serveDefaults.log.decisions,
    logDestination: resolveLogDestination(config.log),
    deniedTopN: config.metrics?.deniedTopN ?? serveDefaults.metrics.deniedTopN,
  });
}
