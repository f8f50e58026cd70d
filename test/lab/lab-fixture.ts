import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { generateKeyPair, type KeyPair } from '../../src/lab/lab-certificates.js';
import { startLab, type Lab, type LabOptions } from '../../src/lab/start-lab.js';
import { captureLog, type CapturedLog } from '../observe/capture-log.js';

export const labPoliciesDir = fileURLToPath(new URL('./policies/', import.meta.url));

let keys: { ca: KeyPair; leaf: KeyPair } | undefined;

/** RSA generation is the slow part: once per test file. */
export function labKeys(): { ca: KeyPair; leaf: KeyPair } {
  keys ??= { ca: generateKeyPair(), leaf: generateKeyPair() };
  return keys;
}

export interface TestLab {
  readonly lab: Lab;
  readonly log: CapturedLog;
  readonly proxyUrl: string;
  /** The lab CA written to a temporary file, for curl --cacert. */
  readonly caFile: string;
}

/** The lab-sim profile on loopback port 0, with the proxy's log captured. */
export async function startTestLab(overrides: Partial<LabOptions> = {}): Promise<TestLab> {
  const log = captureLog();
  const lab = await startLab({
    policiesDir: labPoliciesDir,
    profiles: ['lab-sim'],
    parameters: { region: 'westeurope' },
    sampleLabel: 'lab',
    endpointsHost: '127.0.0.1',
    proxy: { listen: '127.0.0.1:0' },
    denyStyle: 'forbidden',
    mode: 'enforce',
    latencyMs: 0,
    logger: log.logger,
    registry: new Registry(),
    keys: labKeys(),
    ...overrides,
  });
  const caFile = join(mkdtempSync(join(tmpdir(), 'egressgate-lab-')), 'lab-ca.pem');
  writeFileSync(caFile, lab.caPem);
  return { lab, log, proxyUrl: `http://127.0.0.1:${lab.proxy.listen.port}`, caFile };
}
