import fs from 'node:fs';
import path from 'node:path';
import { startChildServer, type ChildServer } from './child-server.js';
import { findOrInstall } from './find-or-install.js';

/**
 * Debian's haproxy as the transparent-TLS peer: TCP mode, waits for the ClientHello, routes on
 * req.ssl_sni, never decrypts. One thread, like the single event loop it is compared with.
 */
export async function startHaproxy(
  workDir: string,
  port: number,
  sni: string,
  upstreamPort: number,
): Promise<ChildServer> {
  const haproxy = findOrInstall('haproxy', 'haproxy');
  const dir = path.join(workDir, 'haproxy');
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(
    conf,
    [
      'global',
      '  maxconn 8000',
      '  nbthread 1',
      'defaults',
      '  mode tcp',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      'frontend tls_in',
      `  bind 127.0.0.1:${port}`,
      '  tcp-request inspect-delay 5s',
      '  tcp-request content accept if { req.ssl_hello_type 1 }',
      `  use_backend sink if { req.ssl_sni -i ${sni} }`,
      'backend sink',
      `  server upstream 127.0.0.1:${upstreamPort}`,
      '',
    ].join('\n'),
  );
  return startChildServer({
    name: 'haproxy',
    command: haproxy,
    args: ['-db', '-f', conf],
    ports: [port],
    logFile: path.join(dir, 'stdout.log'),
  });
}
