import fs from 'node:fs';
import path from 'node:path';
import { startChildServer, type ChildServer } from './child-server.js';
import { findOrInstall } from './find-or-install.js';

/** What haproxy does in front of the upstream: route on the ClientHello's SNI, or forward plain TCP. */
export type HaproxyMode = { readonly kind: 'sni'; readonly sni: string } | { readonly kind: 'tcp' };

/**
 * Debian's haproxy as a peer: TCP mode, never decrypts, kernel splice(2) for the payload
 * (`option splice-auto`), one thread like the single event loop it is compared with. 'sni' waits for
 * the ClientHello and routes on req.ssl_sni (the transparent-TLS peer); 'tcp' forwards every
 * connection (the floor for a relay on the explicit side: no CONNECT to parse).
 */
export async function startHaproxy(
  workDir: string,
  port: number,
  mode: HaproxyMode,
  upstreamPort: number,
): Promise<ChildServer> {
  const haproxy = findOrInstall('haproxy', 'haproxy');
  const dir = path.join(workDir, `haproxy-${mode.kind}`);
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'haproxy.cfg');
  const frontend =
    mode.kind === 'sni'
      ? [
          '  tcp-request inspect-delay 5s',
          '  tcp-request content accept if { req.ssl_hello_type 1 }',
          `  use_backend sink if { req.ssl_sni -i ${mode.sni} }`,
        ]
      : ['  default_backend sink'];
  fs.writeFileSync(
    conf,
    [
      'global',
      // With splice haproxy also reserves maxconn/4 pipes (2 fds each) under the fd limit.
      '  maxconn 6000',
      '  nbthread 1',
      'defaults',
      '  mode tcp',
      '  option splice-auto',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      'frontend in',
      `  bind 127.0.0.1:${port}`,
      ...frontend,
      'backend sink',
      `  server upstream 127.0.0.1:${upstreamPort}`,
      '',
    ].join('\n'),
  );
  return startChildServer({
    name: `haproxy-${mode.kind}`,
    command: haproxy,
    args: ['-db', '-f', conf],
    ports: [port],
    logFile: path.join(dir, 'stdout.log'),
  });
}
