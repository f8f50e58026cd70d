import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicySource } from '../../src/app.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import type { ClientGroupConfig } from '../../src/config/serve-config.js';
import { buildClientHello } from '../net/client-hello-builder.js';
import { openTunnel } from '../support/open-tunnel.js';
import { startTestApp, testPoliciesDir, type TestApp } from '../support/start-test-app.js';
import { startTcpUpstream, type Upstream } from '../support/start-upstream.js';

// The CONNECT target is allowed by egress-test/tls-allowed in every policy below; the inner name,
// private.example.test, only by egress-test/private-named, which a group can leave out.
const target = 'allowed.example.test:443';
const innerName = 'private.example.test';
const withInner: ClientGroupConfig = {
  name: 'with-inner',
  cidrs: ['127.0.0.0/8'],
  profiles: ['egress-test'],
};
const withoutInner: ClientGroupConfig = {
  name: 'without-inner',
  cidrs: ['127.0.0.0/8'],
  profiles: ['egress-test'],
  excludeRules: ['egress-test/private-named'],
};

let upstream: Upstream;
let connectTo: string[];

beforeAll(async () => {
  upstream = await startTcpUpstream((socket: Socket) => {
    socket.on('error', () => undefined);
    socket.on('data', () => socket.write('ok'));
    socket.once('end', () => socket.destroy());
  });
  connectTo = [`allowed.example.test::127.0.0.1:${upstream.port}`];
});

afterAll(async () => {
  await upstream.close();
});

/** The groups a reload swaps in, resolved as a re-read config file would be. */
function sourceOf(group: ClientGroupConfig): PolicySource {
  return resolveSettings(
    { listen: '127.0.0.1:0', clientGroups: [group], connectTo },
    { defaultPoliciesDir: testPoliciesDir },
  );
}

/**
 * CONNECTs, reloads the policy once the tunnel is established, then sends a ClientHello for the
 * inner name; resolves with what came back through the tunnel ('' when it was shut).
 */
async function helloAfterReload(gate: TestApp, next: PolicySource): Promise<string> {
  const tunnel = await openTunnel(gate.addresses.listen.port, target);
  expect(tunnel.status).toBe(200);
  await gate.app.reloadPolicy(next);
  return new Promise((resolve, reject) => {
    let text = '';
    tunnel.socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      tunnel.socket.end();
    });
    tunnel.socket.once('close', () => resolve(text));
    tunnel.socket.once('error', reject);
    tunnel.socket.write(buildClientHello({ sni: innerName }));
  });
}

describe('one snapshot per connection: the inner ClientHello is decided with the CONNECT’s group and policy', () => {
  let gate: TestApp | null = null;
  afterAll(async () => {
    await gate?.stop();
  });

  it('a reload that allows the inner name after the CONNECT does not let it through the old tunnel', async () => {
    gate = await startTestApp({ connectTo, clientGroups: [withoutInner] });
    const answer = await helloAfterReload(gate, sourceOf(withInner));
    const close = await gate.waitForLine((l) => l['msg'] === 'close');
    expect(answer).toBe('');
    const decisions = gate.lines.filter((l) => l['msg'] === 'decision');
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toMatchObject({
      decision: 'allow',
      group: 'without-inner',
      host: 'allowed.example.test',
    });
    expect(decisions[1]).toMatchObject({
      conn: decisions[0]?.['conn'],
      decision: 'deny',
      reason: 'no_matching_rule',
      group: 'without-inner',
      host: 'allowed.example.test',
      sni: innerName,
    });
    expect(close).toMatchObject({ group: 'without-inner', closeReason: 'denied' });
    await gate.stop();
    gate = null;
  });

  it('a reload that refuses the inner name after the CONNECT does not cut the tunnel it allowed', async () => {
    gate = await startTestApp({ connectTo, clientGroups: [withInner] });
    const answer = await helloAfterReload(gate, sourceOf(withoutInner));
    const close = await gate.waitForLine((l) => l['msg'] === 'close');
    expect(answer).toBe('ok');
    const decisions = gate.lines.filter((l) => l['msg'] === 'decision');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      decision: 'allow',
      group: 'with-inner',
      host: 'allowed.example.test',
    });
    expect(close).toMatchObject({ group: 'with-inner', decision: 'allow' });
    await gate.stop();
    gate = null;
  });
});
