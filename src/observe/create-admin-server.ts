import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { DeniedSnapshot } from './denied-tracker.js';
import { closeServer, listenServer } from '../net/listen-server.js';
import type { HostPort } from '../net/parse-host-port.js';

export interface AdminServerDeps {
  /** The app's Registry, or (with workers) a view that aggregates every worker's. */
  readonly registry: Pick<Registry, 'metrics' | 'contentType'>;
  /** Listeners bound and a policy loaded, and not draining. */
  readonly readiness: () => boolean;
  /** Profiles, parameters and client groups in force, as a JSON-serializable value. */
  readonly policyInfo: () => unknown;
  readonly denied: { snapshot(): DeniedSnapshot | Promise<DeniedSnapshot> };
  /** More endpoints (the live page), listed on / like the built-in ones. */
  readonly extraEndpoints?: readonly Endpoint[];
}

export interface Endpoint {
  readonly path: string;
  /** One line for the index at GET /. */
  readonly about: string;
  readonly handle: Handler;
}

export interface AdminServer {
  /** Binds where the settings say (parseBindAddress); resolves to the bound address (port 0 is allowed). */
  listen(address: HostPort): Promise<AddressInfo>;
  close(): Promise<void>;
}

export type Handler = (res: ServerResponse, req: IncomingMessage) => Promise<void> | void;

/**
 * The operations endpoints: / (their index), /metrics, /healthz, /readyz, /policy, /denied. Read-only (GET and HEAD);
 * it shows the policy and recent destinations, so it binds to loopback unless told otherwise.
 */
export function createAdminServer(deps: AdminServerDeps): AdminServer {
  const endpoints: readonly Endpoint[] = [
    {
      path: '/metrics',
      about: 'Prometheus metrics',
      handle: async (res) => {
        const body = await deps.registry.metrics();
        send(res, 200, deps.registry.contentType, body);
      },
    },
    {
      path: '/healthz',
      about: 'liveness: 200 while the process runs',
      handle: (res) => send(res, 200, 'text/plain; charset=utf-8', 'ok\n'),
    },
    {
      path: '/readyz',
      about: 'readiness: 200 with a policy loaded and listeners bound, 503 while draining',
      handle: (res) =>
        deps.readiness()
          ? send(res, 200, 'text/plain; charset=utf-8', 'ready\n')
          : send(res, 503, 'text/plain; charset=utf-8', 'not ready\n'),
    },
    {
      path: '/policy',
      about: 'the policy in force: groups, resolved parameters, rule counts, hash, load time (JSON)',
      handle: (res) => sendJson(res, deps.policyInfo()),
    },
    {
      path: '/denied',
      about: 'recently denied and reported destinations with their clients (JSON)',
      handle: async (res) => sendJson(res, await deps.denied.snapshot()),
    },
    ...(deps.extraEndpoints ?? []),
  ];
  const index = [
    'egressgate admin endpoints (GET or HEAD):',
    ...endpoints.map((e) => `  ${e.path.padEnd(9)} ${e.about}`),
    '',
  ].join('\n');
  const routes = new Map<string, Handler>([
    ['/', (res) => send(res, 200, 'text/plain; charset=utf-8', index)],
    ...endpoints.map((e) => [e.path, e.handle] as const),
  ]);

  const server = createServer((req, res) => {
    handle(routes, req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, 500, 'text/plain; charset=utf-8', `internal error: ${(err as Error).message}\n`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;

  return {
    listen({ host, port }) {
      return listenServer(server, host, port);
    },
    // Scrapers keep connections alive; without forcing, close() would wait for their idle timeout.
    close: () => closeServer(server, true),
  };
}

async function handle(
  routes: ReadonlyMap<string, Handler>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
  const route = routes.get(path);
  if (route === undefined) {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  await route(res, req);
}

export function sendJson(res: ServerResponse, value: unknown): void {
  send(res, 200, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`);
}

export function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  // Node drops the body of a HEAD response itself, keeping Content-Length as for GET.
  res.end(body);
}
