import fs from 'node:fs';
import path from 'node:path';
import { startChildServer, type ChildServer } from './child-server.js';
import { findOrInstall } from './find-or-install.js';

/**
 * Debian's squid as the explicit-proxy peer: every CONNECT to any port allowed, no cache, no access log,
 * one foreground process. Names in `hosts` resolve through squid's hosts_file, so the same CONNECT
 * authority reaches the local sink without DNS or traffic leaving the machine.
 */
export async function startSquid(
  workDir: string,
  port: number,
  hosts: Readonly<Record<string, string>>,
): Promise<ChildServer> {
  const squid = findOrInstall('squid', 'squid');
  const dir = path.join(workDir, 'squid');
  fs.mkdirSync(dir, { recursive: true, mode: 0o777 });
  // squid started as root drops to the 'proxy' user, which must write its pid and cache.log here.
  fs.chmodSync(dir, 0o777);
  const hostsFile = path.join(dir, 'hosts');
  fs.writeFileSync(
    hostsFile,
    Object.entries(hosts)
      .map(([name, ip]) => `${ip} ${name}\n`)
      .join(''),
  );
  const conf = path.join(dir, 'squid.conf');
  fs.writeFileSync(
    conf,
    [
      `http_port 127.0.0.1:${port}`,
      'http_access allow all',
      'cache deny all',
      'cache_mem 0 MB',
      'access_log none',
      'cache_store_log none',
      `cache_log ${path.join(dir, 'cache.log')}`,
      `pid_filename ${path.join(dir, 'squid.pid')}`,
      `coredump_dir ${dir}`,
      `hosts_file ${hostsFile}`,
      'dns_nameservers 127.0.0.1',
      'max_filedescriptors 16384',
      'shutdown_lifetime 0 seconds',
      'visible_hostname egressgate-bench',
      '',
    ].join('\n'),
  );
  return startChildServer({
    name: 'squid',
    command: squid,
    args: ['-N', '-f', conf],
    ports: [port],
    logFile: path.join(dir, 'stdout.log'),
  });
}
