import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LabError } from '../../src/lab/start-lab.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import { openTunnel } from '../support/open-tunnel.js';
import { runCommand } from '../support/run-command.js';
import { labPoliciesDir, startTestLab, type TestLab } from './lab-fixture.js';

let t: TestLab;

beforeAll(async () => {
  t = await startTestLab();
});

afterAll(async () => {
  await t.lab.stop();
});

function curl(...args: string[]) {
  return runCommand('curl', ['-sS', '--max-time', '10', '-x', t.proxyUrl, ...args]);
}

describe('lab endpoints', () => {
  it('serves every allowed name through the proxy, trusted only through the lab CA', async () => {
    for (const host of [
      'management.azure.com',
      'westeurope.dp.kubernetesconfiguration.azure.com',
      'lab.servicebus.windows.net',
      'azgnlab.guestnotification.example.test',
      'wdcp.microsoft.com',
      'lab.wdcp.microsoft.com',
    ]) {
      const result = await curl('--cacert', t.caFile, `https://${host}/probe?x=1`);
      expect(result.stderr, host).toBe('');
      expect(result.code, host).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        endpoint: 'egressgate-lab',
        host,
        sni: host,
        hostHeader: host,
        method: 'GET',
        path: '/probe?x=1',
        tls: true,
      });
    }
    const decision = await t.log.waitFor(
      (l) => l['msg'] === 'decision' && l['host'] === 'lab.servicebus.windows.net',
    );
    expect(decision).toMatchObject({ decision: 'allow', rule: 'relay', listener: 'explicit', port: 443 });
  });

  it('serves plain HTTP on the names the profile allows on port 80', async () => {
    const result = await curl('http://crl.microsoft.com/pki/crl.crl');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ host: 'crl.microsoft.com', tls: false, sni: null });
  });

  it('is not trusted without the lab CA', async () => {
    const result = await curl('https://management.azure.com/');
    expect(result.code).toBe(60);
  });

  it('refuses a name the profile does not allow, and an allowed name on a port it does not allow', async () => {
    const denied = await curl('--cacert', t.caFile, 'https://example.com/');
    expect(denied.code).toBe(56);
    expect(denied.stderr).toMatch(/CONNECT tunnel failed, response 403/);
    // crl.microsoft.com is mapped to the simulator on every port: the 403 is the policy's port check.
    const wrongPort = await curl('--cacert', t.caFile, 'https://crl.microsoft.com/');
    expect(wrongPort.code).toBe(56);
    expect(wrongPort.stderr).toMatch(/response 403/);
    const line = await t.log.waitFor(
      (l) => l['msg'] === 'decision' && l['host'] === 'crl.microsoft.com' && l['port'] === 443,
    );
    expect(line).toMatchObject({ decision: 'deny', reason: 'port_not_allowed' });
  });

  it('echoes websocket messages (servicebus relays) through a CONNECT tunnel', async () => {
    const host = 'lab.servicebus.windows.net';
    const { status, socket: tunnel } = await openTunnel(t.lab.proxy.listen.port, `${host}:443`);
    expect(status).toBe(200);
    const ws = new WebSocket(`wss://${host}/$servicebus/websocket`, {
      createConnection: () => tlsConnect({ socket: tunnel, servername: host, ca: t.lab.caPem }),
    });
    const echoed = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('relay hello'));
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.once('error', reject);
    });
    ws.close();
    expect(echoed).toBe('relay hello');
  });
});

describe('lab set-up errors', () => {
  it('rejects a sample label that is not one DNS label', async () => {
    await expect(startTestLab({ sampleLabel: 'a.b' })).rejects.toBeInstanceOf(LabError);
  });

  it('passes a missing required parameter on as the policy error', async () => {
    await expect(startTestLab({ parameters: {} })).rejects.toBeInstanceOf(PolicyError);
  });

  it('refuses profiles that name no host', async () => {
    await expect(
      startTestLab({ policiesDir: labPoliciesDir, profiles: ['lab-cidr-only'], parameters: {} }),
    ).rejects.toThrow(/allow no host names/);
  });
});
