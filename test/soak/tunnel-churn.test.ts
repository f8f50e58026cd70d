import { createHash, randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countOpenFds, pollUntil, readActiveGauge, readMetric, settleFds } from '../faults/leak-check.js';
import { openTunnel } from '../support/open-tunnel.js';
import { countTcpHandles, describeRelays } from '../support/relays.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { startTcpUpstream, type Upstream } from '../support/start-upstream.js';

let upstream: Upstream;

beforeAll(async () => {
  // Hashes what it receives and answers with the digest once the client has finished (half-close).
  upstream = await startTcpUpstream((socket) => {
    const hash = createHash('sha256');
    socket.on('data', (c: Buffer) => hash.update(c));
    socket.on('end', () => socket.end(hash.digest('hex')));
  });
});

afterAll(() => upstream.close());

/** One tunnel: sends `payload`, half-closes, reads the digest the upstream answers with. */
async function carry(gate: TestApp, payload: Buffer): Promise<string> {
  const tunnel = await openTunnel(gate.addresses.listen.port, 'management.azure.com:443');
  expect(tunnel.status).toBe(200);
  tunnel.socket.end(payload);
  let answer = '';
  tunnel.socket.on('data', (c: Buffer) => (answer += c.toString()));
  await new Promise<void>((resolve) => tunnel.socket.once('close', () => resolve()));
  return answer;
}

describeRelays('soak: tunnel churn', (relay) => {
  let gate: TestApp;
  let registry: Registry;

  beforeAll(async () => {
    registry = new Registry();
    gate = await startTestApp(
      { relay, connectTo: [`management.azure.com:443:127.0.0.1:${upstream.port}`] },
      { registry, relayProgressMs: 50 },
    );
  });
  afterAll(() => gate.stop());

  it('carries 300 tunnels byte-exact, counts every byte, and leaves descriptors and handles as it found them', async () => {
    // One tunnel first, so lazily opened handles (the relay's pipe pool among them) are in the baseline.
    expect(await carry(gate, Buffer.from('warm'))).toBe(createHash('sha256').update('warm').digest('hex'));
    await pollUntil(
      () => readActiveGauge(registry),
      (v) => v === 0,
    );
    const fds = countOpenFds();
    const handles = countTcpHandles();
    const bytesBefore = await readMetric(registry, 'egressgate_bytes_total', { direction: 'out' });
    let sent = 0;
    for (let round = 0; round < 15; round++) {
      const payloads = Array.from({ length: 20 }, (_, i) =>
        randomBytes(1 + (((round * 20 + i) * 7919) % 300_000)),
      );
      const answers = await Promise.all(payloads.map((p) => carry(gate, p)));
      answers.forEach((answer, i) =>
        expect(answer).toBe(
          createHash('sha256')
            .update(payloads[i] as Buffer)
            .digest('hex'),
        ),
      );
      sent += payloads.reduce((n, p) => n + p.length, 0);
    }
    expect(
      await pollUntil(
        () => gate.app.activeConnections(),
        (n) => n === 0,
      ),
    ).toBe(0);
    expect(
      await pollUntil(
        () => readActiveGauge(registry),
        (v) => v === 0,
      ),
    ).toBe(0);
    expect(await readMetric(registry, 'egressgate_bytes_total', { direction: 'out' })).toBe(
      bytesBefore + sent,
    );
    expect(await settleFds(fds)).toBeLessThanOrEqual(fds);
    expect(await pollUntil(countTcpHandles, (n) => n <= handles)).toBeLessThanOrEqual(handles);
  });

  it('counts the bytes of an open tunnel: native while it is open, js at the close', async () => {
    const tunnel = await openTunnel(gate.addresses.listen.port, 'management.azure.com:443');
    const before = await readMetric(registry, 'egressgate_bytes_total', { direction: 'out' });
    tunnel.socket.write(Buffer.alloc(100_000, 0x63));
    const counted = await pollUntil(
      () => readMetric(registry, 'egressgate_bytes_total', { direction: 'out' }),
      (n) => n >= before + 100_000,
    );
    // The JS relay counts at the close only, as it always has.
    expect(counted).toBe(relay === 'native' ? before + 100_000 : before);
    tunnel.socket.end();
    await new Promise<void>((resolve) => tunnel.socket.once('close', () => resolve()).resume());
    const line = await gate.waitForLine((l) => l['msg'] === 'close' && l['bytesOut'] === 100_000);
    expect(line['closeReason']).toBe('client_closed');
    expect(
      await pollUntil(
        () => readMetric(registry, 'egressgate_bytes_total', { direction: 'out' }),
        (n) => n >= before + 100_000,
      ),
    ).toBe(before + 100_000);
  });
});
