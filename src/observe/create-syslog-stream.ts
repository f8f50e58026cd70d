import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { Writable } from 'node:stream';

export interface SyslogTarget {
  readonly protocol: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
  /** RFC 5424 facility number (local0 = 16). */
  readonly facility: number;
  readonly appName: string;
}

const SEVERITY_BY_LABEL: Readonly<Record<string, number>> = {
  fatal: 2,
  error: 3,
  warn: 4,
  info: 6,
  debug: 7,
  trace: 7,
};

/** pino's level (the label egressgate writes, or pino's number) as an RFC 5424 severity. */
function severityOf(level: unknown): number {
  if (typeof level === 'string') return SEVERITY_BY_LABEL[level] ?? 6;
  if (typeof level !== 'number') return 6;
  if (level >= 60) return 2; // fatal -> critical
  if (level >= 50) return 3; // error
  if (level >= 40) return 4; // warning
  if (level >= 30) return 6; // informational
  return 7; // debug, trace
}

/** A header field: printable US-ASCII without spaces, or the nil value. */
function field(value: unknown, max: number): string {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  const clean = text.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** One pino JSON line as an RFC 5424 message; the JSON line itself is the MSG, so it stays machine-readable. */
export function formatSyslogMessage(line: string, target: SyslogTarget, host: string): string {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(line) as Record<string, unknown>;
  } catch {
    // Not JSON (cannot happen with pino): sent as it is, at informational severity.
  }
  const pri = target.facility * 8 + severityOf(parsed['level']);
  const time =
    typeof parsed['time'] === 'number' ? new Date(parsed['time']).toISOString() : new Date().toISOString();
  const pid = parsed['pid'] ?? process.pid;
  return `<${pri}>1 ${time} ${field(host, 255)} ${field(target.appName, 48)} ${field(pid, 128)} ${field(parsed['event'], 32)} - ${line}`;
}

const MAX_QUEUED = 10_000;
const MAX_UDP_BYTES = 65_000;

/**
 * A pino destination that sends every line to a syslog server: UDP one datagram per message, TCP with
 * octet-counting framing (RFC 6587). A syslog server that is down never stops the gateway: TCP
 * reconnects with a backoff and drops the oldest lines beyond a bounded queue, and a dropped count
 * is reported once the connection is back.
 */
export function createSyslogStream(target: SyslogTarget, onError: (message: string) => void): Writable {
  const host = hostname();
  let pending = '';
  let udp: UdpSocket | null = null;
  let tcp: Socket | null = null;
  let connected = false;
  let queue: string[] = [];
  let dropped = 0;
  let retryMs = 250;
  let closed = false;

  const sendUdp = (message: string): void => {
    udp ??= createSocket(target.host.includes(':') ? 'udp6' : 'udp4').on('error', (err) =>
      onError(`syslog udp ${target.host}:${target.port}: ${err.message}`),
    );
    udp.unref();
    const bytes = Buffer.from(message);
    udp.send(bytes.subarray(0, MAX_UDP_BYTES), target.port, target.host);
  };

  const connectTcp = (): void => {
    if (closed) return;
    const socket = connect({ host: target.host, port: target.port });
    socket.unref();
    socket.setNoDelay(true);
    tcp = socket;
    socket.on('connect', () => {
      connected = true;
      retryMs = 250;
      if (dropped > 0) {
        onError(`syslog tcp ${target.host}:${target.port}: ${dropped} line(s) dropped while disconnected`);
        dropped = 0;
      }
      const backlog = queue;
      queue = [];
      for (const m of backlog) socket.write(frame(m));
    });
    socket.on('error', (err) => onError(`syslog tcp ${target.host}:${target.port}: ${err.message}`));
    socket.on('close', () => {
      connected = false;
      tcp = null;
      if (closed) return;
      setTimeout(connectTcp, retryMs).unref();
      retryMs = Math.min(retryMs * 2, 30_000);
    });
  };

  const frame = (message: string): string => `${Buffer.byteLength(message)} ${message}`;

  const sendTcp = (message: string): void => {
    if (tcp === null && !closed) connectTcp();
    if (connected && tcp !== null) {
      tcp.write(frame(message));
      return;
    }
    queue.push(message);
    if (queue.length > MAX_QUEUED) {
      queue.shift();
      dropped++;
    }
  };

  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
        if (line.trim() === '') continue;
        const message = formatSyslogMessage(line, target, host);
        if (target.protocol === 'udp') sendUdp(message);
        else sendTcp(message);
      }
      done();
    },
    final(done) {
      closed = true;
      udp?.close();
      if (tcp === null) {
        done();
        return;
      }
      tcp.end(() => done());
    },
  });
}
