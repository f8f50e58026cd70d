import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTcpUpstream, type Upstream } from '../support/start-upstream.js';

/** A one-profile policies dir in a temp directory, so tests can rewrite it and reload. */
export interface PolicyDir {
  readonly dir: string;
  /** Rewrites profile `ops-test` to allow exactly these hosts on port 443. */
  allow(hosts: readonly string[]): Promise<void>;
  /** Writes text as the profile file (for a broken profile). */
  writeRaw(text: string): Promise<void>;
  remove(): Promise<void>;
}

export const PROFILE = 'ops-test';

export async function makePolicyDir(hosts: readonly string[]): Promise<PolicyDir> {
  const dir = await mkdtemp(join(tmpdir(), 'eg-ops-'));
  const file = join(dir, `${PROFILE}.yaml`);
  const policy: PolicyDir = {
    dir,
    allow: (allowed) =>
      writeFile(
        file,
        [
          `name: ${PROFILE}`,
          'description: operations tests',
          'sources:',
          "  - id: '000'",
          '    title: egressgate test suite',
          'include: []',
          'parameters: {}',
          'rules:',
          '  - id: tunnel',
          `    hosts: [${allowed.map((h) => `'${h}'`).join(', ')}]`,
          '    ports: [443]',
          "    provenance: { document: '000' }",
          '',
        ].join('\n'),
      ),
    writeRaw: (text) => writeFile(file, text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await policy.allow(hosts);
  return policy;
}

/** A TCP server that echoes every byte back: a tunnel through the gate must round-trip data. */
export function startEchoUpstream(): Promise<Upstream> {
  return startTcpUpstream((socket) => socket.pipe(socket));
}
