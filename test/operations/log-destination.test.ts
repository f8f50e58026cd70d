import { createSocket } from 'node:dgram';
import { readFile, rename, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Upstream } from '../support/start-upstream.js';
import { openTunnel } from '../support/open-tunnel.js';
import { makePolicyDir, PROFILE, startEchoUpstream, type PolicyDir } from './ops-fixture.js';
import { spawnServe, type ServeProcess } from './spawn-serve.js';

let upstream: Upstream;
let policy: PolicyDir;
let dir: string;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  policy = await makePolicyDir(['one.ops.test']);
  dir = await mkdtemp(join(tmpdir(), 'eg-logdest-'));
});

afterAll(async () => {
  await upstream.close();
  await policy.remove();
  await rm(dir, { recursive: true, force: true });
});

function config(log: string): string {
  return [
    'listen: 127.0.0.1:0',
    'admin: 127.0.0.1:0',
    `policies: ${policy.dir}`,
    `profiles: [${PROFILE}]`,
    `connectTo: ['::127.0.0.1:${upstream.port}']`,
    log,
    '',
  ].join('\n');
}

async function deny(gate: ServeProcess, host: string): Promise<void> {
  const t = await openTunnel(gate.proxyPort, `${host}:443`);
  t.socket.destroy();
  expect(t.status).toBe(403);
}

/** Polls until `read` returns a value that passes `ready`; the file is written in batches (100 ms). */
async function eventually<T>(read: () => Promise<T>, ready: (v: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (ready(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readText = (file: string) => readFile(file, 'utf8').catch(() => '');

async function stop(gate: ServeProcess): Promise<void> {
  gate.child.kill('SIGTERM');
  await gate.exited;
}

// RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
const RFC5424 = /^<(\d+)>1 (\S+) (\S+) (\S+) (\d+) (\S+) - (\{.*\})$/;

describe('log.destination (real CLI)', () => {
  it('file: decision lines go to the file; SIGUSR1 after a logrotate-style rename reopens it by name', async () => {
    const file = join(dir, 'logs', 'egressgate.log');
    const cfg = join(dir, 'file.yaml');
    await writeFile(cfg, config(`log: { destination: file, file: ${file} }`));
    const gate = await spawnServe(cfg);
    try {
      await deny(gate, 'first.ops.test');
      const before = await eventually(
        () => readText(file),
        (t) => t.includes('first.ops.test'),
      );
      const line = JSON.parse(before.split('\n').find((l) => l.includes('first.ops.test')) ?? '{}') as Record<
        string,
        unknown
      >;
      expect(line).toMatchObject({ event: 'decision', decision: 'deny', host: 'first.ops.test' });
      expect(gate.lines).toEqual([]);

      await rename(file, `${file}.1`);
      gate.child.kill('SIGUSR1');
      // SIGUSR1 is handled asynchronously: keep asking until a line lands in the new file.
      let n = 0;
      await eventually(
        async () => {
          await deny(gate, `second-${++n}.ops.test`);
          return readText(file);
        },
        (t) => t.includes('.ops.test'),
      );
      const rotated = await readText(`${file}.1`);
      expect(rotated).toContain('first.ops.test');
      expect((await readText(file)).includes('first.ops.test')).toBe(false);
    } finally {
      await stop(gate);
    }
  });

  it('a failed reload is written on stderr too when the lines go to a file', async () => {
    const file = join(dir, 'reload.log');
    const cfg = join(dir, 'reload.yaml');
    await writeFile(cfg, config(`log: { destination: file, file: ${file} }`));
    const gate = await spawnServe(cfg);
    try {
      // The watcher starts just after the listeners: write again (slower than its 500 ms debounce) until a reload was tried.
      const invalid = config(`log: { destination: file, file: ${file} }\nmode: sometimes`);
      await eventually(
        async () => {
          await writeFile(cfg, invalid);
          await new Promise((r) => setTimeout(r, 1_200));
          return gate.stderr();
        },
        (e) => e.includes('policy reload'),
      );
      expect(gate.stderr()).toMatch(
        /egressgate: policy reload \(file change\) failed, keeping the policy in force: .*reload\.yaml:\d+: 'mode' must be one of enforce, report/,
      );
      await eventually(
        () => readText(file),
        (t) => t.includes('"result":"failure"'),
      );
    } finally {
      await stop(gate);
    }
  });

  it('syslog over UDP: one RFC 5424 datagram per line, severity from the level', async () => {
    const server = createSocket('udp4');
    const messages: string[] = [];
    server.on('message', (m) => messages.push(m.toString()));
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    const cfg = join(dir, 'udp.yaml');
    await writeFile(
      cfg,
      config(`log: { destination: syslog, syslog: { address: 'udp://127.0.0.1:${server.address().port}' } }`),
    );
    const gate = await spawnServe(cfg);
    try {
      await deny(gate, 'udp.ops.test');
      const found = await eventually(
        () => Promise.resolve(messages.find((m) => m.includes('udp.ops.test'))),
        (m) => m !== undefined,
      );
      const parts = RFC5424.exec(found ?? '');
      expect(parts).not.toBeNull();
      // local0 (16) * 8 + warning (4): an enforced denial is logged at warn.
      expect(parts?.[1]).toBe('132');
      expect(Number.isNaN(Date.parse(parts?.[2] ?? ''))).toBe(false);
      expect(parts?.[4]).toBe('egressgate');
      expect(Number(parts?.[5])).toBe(gate.child.pid);
      expect(parts?.[6]).toBe('decision');
      expect(JSON.parse(parts?.[7] ?? '{}')).toMatchObject({
        event: 'decision',
        host: 'udp.ops.test',
        decision: 'deny',
      });
      // The start line is informational: 16 * 8 + 6.
      expect(messages.some((m) => m.startsWith('<134>1 ') && m.includes('"event":"start"'))).toBe(true);
    } finally {
      await stop(gate);
      server.close();
    }
  });

  it('syslog over TCP: octet-counted frames (RFC 6587) carrying RFC 5424 messages', async () => {
    let received = '';
    const sockets = new Set<Socket>();
    const server: Server = createServer((s) => {
      sockets.add(s);
      s.setEncoding('utf8').on('data', (d: string) => (received += d));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const cfg = join(dir, 'tcp.yaml');
    await writeFile(
      cfg,
      config(
        `log: { destination: syslog, syslog: { address: 'tcp://127.0.0.1:${port}', facility: 1, appName: gw } }`,
      ),
    );
    const gate = await spawnServe(cfg);
    try {
      await deny(gate, 'tcp.ops.test');
      await eventually(
        () => Promise.resolve(received),
        (r) => r.includes('tcp.ops.test'),
      );
      const frames: string[] = [];
      let rest = received;
      while (rest.length > 0) {
        const space = rest.indexOf(' ');
        const length = Number(rest.slice(0, space));
        expect(Number.isInteger(length)).toBe(true);
        const bytes = Buffer.from(rest.slice(space + 1));
        if (bytes.length < length) break;
        const frame = bytes.subarray(0, length).toString();
        frames.push(frame);
        rest = bytes.subarray(length).toString();
      }
      const decision = frames.find((f) => f.includes('tcp.ops.test')) ?? '';
      const parts = RFC5424.exec(decision);
      // user (1) * 8 + warning (4)
      expect(parts?.[1]).toBe('12');
      expect(parts?.[4]).toBe('gw');
      expect(JSON.parse(parts?.[7] ?? '{}')).toMatchObject({ host: 'tcp.ops.test' });
    } finally {
      await stop(gate);
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('a syslog address that is not udp:// or tcp:// is a config error naming the line', async () => {
    const cfg = join(dir, 'bad.yaml');
    await writeFile(
      cfg,
      config("log:\n  destination: syslog\n  syslog: { address: 'http://127.0.0.1:514' }"),
    );
    await expect(spawnServe(cfg)).rejects.toThrow(
      /bad\.yaml:8: 'log\.syslog\.address' is not in the expected format/,
    );
    await writeFile(cfg, config('log:\n  destination: file'));
    await expect(spawnServe(cfg)).rejects.toThrow(/bad\.yaml:7: missing key 'file' at 'log'/);
  });
});
