import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/run-command.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

// One proxy, three client groups picked by proxy user: the deny style is per group.
let gate: TestApp;
let port: number;
let tlsPort: number;

const passwords = new Map([
  ['resetter', 'pw'],
  ['dropper', 'pw'],
]);

beforeAll(async () => {
  gate = await startTestApp(
    {
      transparentTls: ['127.0.0.1:0=443'],
      clientGroups: [
        {
          name: 'resets',
          cidrs: ['127.0.0.0/8'],
          users: ['resetter'],
          profiles: ['egress-test'],
          denyStyle: 'reset',
        },
        {
          name: 'drops',
          cidrs: ['127.0.0.0/8'],
          users: ['dropper'],
          profiles: ['egress-test'],
          denyStyle: 'drop',
        },
        { name: 'lab', cidrs: ['127.0.0.0/8'], profiles: ['egress-test'] },
      ],
    },
    { passwords },
  );
  port = gate.addresses.listen.port;
  tlsPort = gate.addresses.transparentTls[0]?.port ?? 0;
});

afterAll(async () => {
  await gate.stop();
});

function curlVia(user: string | null, maxTime: number, ...args: string[]) {
  const proxy = user === null ? `http://127.0.0.1:${port}` : `http://${user}:pw@127.0.0.1:${port}`;
  return runCommand('curl', ['-sS', '--max-time', String(maxTime), '-x', proxy, ...args]);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

function deniedFor(group: string, host: string) {
  return gate.waitForLine((l) => l['msg'] === 'decision' && l['group'] === group && l['host'] === host);
}

describe('deny style forbidden (the default)', () => {
  it('answers CONNECT with 403: curl exits 56', async () => {
    const r = await curlVia(null, 5, 'https://denied.example.test/');
    expect(r.code).toBe(56);
    expect(r.stderr).toMatch(/CONNECT tunnel failed, response 403/);
  });

  it('answers plain HTTP with the 403 status', async () => {
    const r = await curlVia(null, 5, '-o', '/dev/null', '-w', '%{http_code}', 'http://denied.example.test/');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('403');
  });

  it('answers transparent TLS with an access_denied alert: curl exits 35', async () => {
    const r = await runCommand('curl', [
      '-sS',
      '--max-time',
      '5',
      '--connect-to',
      `denied.example.test:443:127.0.0.1:${tlsPort}`,
      'https://denied.example.test/',
    ]);
    expect(r.code).toBe(35);
    expect(r.stderr).toMatch(/access denied/i);
  });
});

describe('deny style reset', () => {
  it('resets a denied CONNECT: curl sees the connection reset', async () => {
    const r = await curlVia('resetter', 5, 'https://denied.example.test/');
    expect([56, 35]).toContain(r.code);
    expect(r.stderr).toMatch(/reset by peer/i);
    expect(r.stderr).not.toMatch(/403/);
    expect(await deniedFor('resets', 'denied.example.test')).toMatchObject({
      decision: 'deny',
      reason: 'no_matching_rule',
    });
  });

  it('resets a denied plain HTTP request instead of answering it', async () => {
    const r = await curlVia('resetter', 5, 'http://denied.example.test/x');
    expect(r.code).toBe(56);
    expect(r.stderr).toMatch(/reset by peer/i);
  });

  it('still answers an allowed-looking but invalid target with 400, whatever the style', async () => {
    const raw = await new Promise<string>((resolve) => {
      const auth = Buffer.from('resetter:pw').toString('base64');
      const s = connect({ host: '127.0.0.1', port }, () =>
        s.write(`CONNECT nonsense HTTP/1.1\r\nHost: nonsense\r\nProxy-Authorization: Basic ${auth}\r\n\r\n`),
      );
      let data = '';
      s.on('data', (c: Buffer) => (data += c.toString('latin1')));
      s.on('close', () => resolve(data));
      s.on('error', () => resolve(data));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe('deny style drop', () => {
  it('holds denied CONNECT and plain HTTP requests without a word until curl gives up (exit 28)', async () => {
    const heldConnect = timed(() => curlVia('dropper', 2, 'https://denied.example.test/'));
    const heldHttp = timed(() => curlVia('dropper', 2, 'http://denied.example.test/'));
    // Meanwhile the other groups are answered as usual.
    const other = await curlVia(null, 5, 'https://other-denied.example.test/');
    expect(other.code).toBe(56);
    for (const { result, ms } of await Promise.all([heldConnect, heldHttp])) {
      expect(result.code).toBe(28);
      // Not answered early: curl waited (about) its whole --max-time.
      expect(ms).toBeGreaterThanOrEqual(1_900);
    }
    expect(await deniedFor('drops', 'denied.example.test')).toMatchObject({ decision: 'deny' });
  });
});
