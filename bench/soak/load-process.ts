/**
 * The load side of the soak benchmarks, in its own process (spawned by soak-suite.ts with a raised
 * `ulimit -n`): the upstreams (a TCP echo for tunnels, a websocket echo) and the clients. Driven over
 * the IPC channel, one command at a time.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import {
  allowedTunnel,
  deniedConnect,
  echoThrough,
  openConnect,
  websocketRoundTrip,
} from './soak-clients.js';

export type LoadCommand =
  | { readonly type: 'open'; readonly gatewayPort: number; readonly count: number }
  | { readonly type: 'close' }
  | { readonly type: 'soak'; readonly gatewayPort: number; readonly seconds: number; readonly rate: number };

export interface SoakCounts {
  readonly ok: Readonly<Record<string, number>>;
  readonly failed: Readonly<Record<string, number>>;
  readonly firstError: string | null;
}

const send = (message: unknown): void => void process.send?.(message);

const echo = createServer((s) => {
  s.on('error', () => s.destroy());
  s.pipe(s);
});
await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
const wsHttp = createHttpServer();
new WebSocketServer({ server: wsHttp }).on('connection', (ws) => {
  ws.on('message', (data, binary) => ws.send(data, { binary }));
  ws.on('error', () => ws.terminate());
});
await new Promise<void>((resolve) => wsHttp.listen(0, '127.0.0.1', resolve));

const idle: Socket[] = [];

async function openIdle(
  gatewayPort: number,
  count: number,
): Promise<{ opened: number; failed: number; firstError: string | null }> {
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  // 200 handshakes in flight at a time: the listen backlog (511) is never the bottleneck.
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      try {
        const { status, socket } = await openConnect(gatewayPort, 'allowed.soak.test:443');
        if (status !== 200) throw new Error(`CONNECT answered ${status}`);
        socket.on('error', () => undefined);
        await echoThrough(socket, Buffer.from('x'));
        idle.push(socket);
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: 200 }, worker));
  return { opened: idle.length, failed, firstError };
}

async function soak(gatewayPort: number, seconds: number, rate: number): Promise<SoakCounts> {
  const kinds = {
    allowed: () => allowedTunnel(gatewayPort),
    denied: () => deniedConnect(gatewayPort),
    websocket: () => websocketRoundTrip(gatewayPort),
  };
  const names = Object.keys(kinds) as (keyof typeof kinds)[];
  const ok: Record<string, number> = { allowed: 0, denied: 0, websocket: 0 };
  const failed: Record<string, number> = { allowed: 0, denied: 0, websocket: 0 };
  let firstError: string | null = null;
  const running = new Set<Promise<void>>();
  const total = Math.round(seconds * rate);
  const started = Date.now();
  // A steady open-loop rate: operation i starts at i / rate seconds, however long the others take.
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const name = names[i % names.length] ?? 'allowed';
    const op = kinds[name]()
      .then(() => void ok[name]!++)
      .catch((err: unknown) => {
        failed[name]!++;
        firstError ??= `${name}: ${err instanceof Error ? err.message : String(err)}`;
      })
      .finally(() => running.delete(op));
    running.add(op);
  }
  await Promise.all(running);
  return { ok, failed, firstError };
}

process.on('message', (command: LoadCommand) => {
  const run = async (): Promise<unknown> => {
    if (command.type === 'open') return openIdle(command.gatewayPort, command.count);
    if (command.type === 'soak') return soak(command.gatewayPort, command.seconds, command.rate);
    for (const s of idle.splice(0)) s.destroy();
    return { closed: true };
  };
  run().then(
    (result) => send({ type: 'result', result }),
    (err: unknown) => send({ type: 'error', message: String(err) }),
  );
});

send({
  type: 'ready',
  echoPort: (echo.address() as AddressInfo).port,
  wsPort: (wsHttp.address() as AddressInfo).port,
});
