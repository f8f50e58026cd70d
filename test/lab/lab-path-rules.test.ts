import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabAnswer } from '../../src/lab/create-lab-server.js';
import { describePathSpellings, type PathListener } from '../support/path-spelling-suite.js';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startTestLab, type TestLab } from './lab-fixture.js';

// The path suite again, over the lab's HTTP simulator and the shipped azure-stack-hub profile:
// documents 000 and 001 list http://www.microsoft.com/pkiops/crl (and /pkiops/certs, /pki/certs)
// for Windows Defender, so port 80 of www.microsoft.com is allowed under those paths only.
const shippedPolicies = fileURLToPath(new URL('../../policies/', import.meta.url));
let lab: TestLab;

beforeAll(async () => {
  lab = await startTestLab({
    policiesDir: shippedPolicies,
    profiles: ['azure-stack-hub'],
    parameters: {},
    proxy: { listen: '127.0.0.1:0', transparentHttp: ['127.0.0.1:0'] },
    // Not redirected: the port comes from the Host field, as behind a DNAT that lost it.
    readOriginalDestination: () => null,
  });
});

afterAll(async () => {
  await lab.lab.stop();
});

function portOf(listener: PathListener): number {
  return listener === 'explicit' ? lab.lab.proxy.listen.port : (lab.lab.proxy.transparentHttp[0]?.port ?? 0);
}

async function send(listener: PathListener, host: string, target: string) {
  const head =
    listener === 'explicit'
      ? `GET http://${host}${target} HTTP/1.1\r\n`
      : `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n`;
  const res = parseRawResponse(await rawExchange(portOf(listener), `${head}Connection: close\r\n\r\n`));
  // Only the simulator answers with its JSON: anything else came from egressgate.
  const answer = res.status === 200 ? (JSON.parse(res.body) as LabAnswer) : null;
  return {
    status: res.status,
    proxyStatus: res.headers['proxy-status'] ?? '',
    received: answer?.endpoint === 'egressgate-lab' ? answer.path : null,
  };
}

describePathSpellings('lab simulator, azure-stack-hub www.microsoft.com', () => ({
  prefix: '/pkiops/crl',
  host: 'www.microsoft.com',
  listeners: ['explicit', 'transparent'],
  send,
}));

describe('lab simulator: the documented CRL and certificate paths', () => {
  it.each([
    ['www.microsoft.com', '/pkiops/crl/Microsoft%20Azure%20RSA%20TLS%20Issuing%20CA%2003.crl', 200],
    ['www.microsoft.com', '/pkiops/certs/Microsoft%20Azure%20RSA%20TLS%20Issuing%20CA%2003.crt', 200],
    ['www.microsoft.com', '/pki/certs/MicRooCerAut2011_2011_03_22.crt', 200],
    ['crl.microsoft.com', '/pki/crl/products/MicRooCerAut2011_2011_03_22.crl', 200],
    ['www.microsoft.com', '/pkiops/crls', 403],
    ['www.microsoft.com', '/pki/certsEVIL/x', 403],
    ['crl.microsoft.com', '/pki/crl/products/../../../en-us', 403],
    ['crl.microsoft.com', '/pki/crl/productsX', 403],
  ])('%s%s: %i', async (host, target, status) => {
    for (const listener of ['explicit', 'transparent'] as const) {
      const answer = await send(listener, host, target);
      expect({ listener, status: answer.status }).toEqual({ listener, status });
      if (status === 200) expect(answer.received).toBe(target);
    }
  });
});
