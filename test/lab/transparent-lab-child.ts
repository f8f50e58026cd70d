// Runs inside a fresh network namespace (see transparent-lab.test.ts), where 192.0.2.10:443 and :80
// are REDIRECTed to the lab's transparent listeners. Prints one JSON object with what curl saw.
import { Registry } from 'prom-client';
import { startLab } from '../../src/lab/start-lab.js';
import type { DenyStyle } from '../../src/config/serve-config.js';
import { runCommand } from '../support/run-command.js';
import { captureLog } from '../observe/capture-log.js';
import { labKeys, labPoliciesDir } from './lab-fixture.js';

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function rehearse(denyStyle: DenyStyle, tlsPort: number, httpPort: number) {
  const log = captureLog();
  const lab = await startLab({
    policiesDir: labPoliciesDir,
    profiles: ['lab-sim'],
    parameters: { region: 'westeurope' },
    sampleLabel: 'lab',
    endpointsHost: '127.0.0.1',
    proxy: {
      listen: '127.0.0.1:0',
      transparentTls: [`127.0.0.1:${tlsPort}=443`],
      transparentHttp: [`127.0.0.1:${httpPort}=80`],
      // Toward 192.0.2.10 on lo the kernel picks 192.0.2.10 as the source: the datacenter's clients.
      allowClients: ['192.0.2.0/24', '127.0.0.0/8'],
    },
    denyStyle,
    mode: 'enforce',
    latencyMs: 0,
    logger: log.logger,
    registry: new Registry(),
    keys: labKeys(),
  });
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const caFile = `${mkdtempSync('/tmp/egressgate-lab-ns-')}/ca.pem`;
  writeFileSync(caFile, lab.caPem);
  const curl = (url: string, host: string, port: number) =>
    runCommand('curl', [
      '-sS',
      '--max-time',
      '2',
      '--cacert',
      caFile,
      '--resolve',
      `${host}:${port}:192.0.2.10`,
      url,
    ]);
  try {
    const allowed = await curl('https://lab.servicebus.windows.net/relay', 'lab.servicebus.windows.net', 443);
    const plain = await curl('http://crl.microsoft.com/pki', 'crl.microsoft.com', 80);
    const denied = await curl('https://www.example.com/', 'www.example.com', 443);
    const allowLine = await log.waitFor(
      (l) => l['msg'] === 'decision' && l['host'] === 'lab.servicebus.windows.net',
    );
    return {
      allowed: { code: allowed.code, body: parseBody(allowed.stdout) },
      plain: { code: plain.code, body: parseBody(plain.stdout) },
      denied: { code: denied.code, stderr: denied.stderr.trim() },
      allowLine: { listener: allowLine['listener'], origDst: allowLine['origDst'], sni: allowLine['sni'] },
    };
  } finally {
    await lab.stop();
  }
}

const forbidden = await rehearse('forbidden', 15001, 15002);
const reset = await rehearse('reset', 15001, 15002);
const drop = await rehearse('drop', 15001, 15002);
process.stdout.write(`${JSON.stringify({ forbidden, reset, drop })}\n`);
