import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isOriginalDestinationAvailable,
  loadOriginalDstAddon,
  readOriginalDestination,
} from '../../src/net/original-destination.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const addonFile = `${root}native/build/Release/original_dst.node`;

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const canCompile = process.platform === 'linux' && has('cc') && has('make');
const canNetns =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  has('unshare') &&
  has('iptables') &&
  has('ip6tables') &&
  has('ip') &&
  spawnSync('unshare', ['--net', 'sh', '-c', 'iptables -t nat -n -L OUTPUT && ip6tables -t nat -n -L OUTPUT'])
    .status === 0;

beforeAll(() => {
  // The package's prepare step builds the addon; build it here when a fresh checkout skipped it.
  if (canCompile && !existsSync(addonFile)) {
    execFileSync(process.execPath, [`${root}scripts/build-native.mjs`], { stdio: 'ignore' });
  }
});

/** A connected loopback pair: [server side, client side]. */
async function loopbackPair(host: string): Promise<[net.Socket, net.Socket, net.Server]> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect(port, host);
  await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
  return [await accepted, client, server];
}

describe('readOriginalDestination without a redirect', () => {
  it.each(['127.0.0.1', '::1'])('returns null on both ends of a plain %s connection', async (host) => {
    const [accepted, client, server] = await loopbackPair(host);
    try {
      expect(readOriginalDestination(accepted)).toBeNull();
      expect(readOriginalDestination(client)).toBeNull();
    } finally {
      client.destroy();
      accepted.destroy();
      server.close();
    }
  });

  it('returns null for a socket that never connected or was destroyed', async () => {
    expect(readOriginalDestination(new net.Socket())).toBeNull();
    const [accepted, client, server] = await loopbackPair('127.0.0.1');
    accepted.destroy();
    client.destroy();
    server.close();
    expect(readOriginalDestination(accepted)).toBeNull();
  });
});

describe.skipIf(!canCompile)('the SO_ORIGINAL_DST addon', () => {
  it('is built and loads', () => {
    expect(isOriginalDestinationAvailable()).toBe(true);
  });

  it('reports ENOENT as null for a non-redirected socket', async () => {
    const addon = loadOriginalDstAddon()!;
    const [accepted, client, server] = await loopbackPair('127.0.0.1');
    try {
      const fd = (accepted as unknown as { _handle: { fd: number } })._handle.fd;
      const dst = addon.getOriginalDst(fd, 4);
      // ENOENT while conntrack is idle in this namespace; with conntrack active the kernel
      // answers with our own address, which readOriginalDestination maps to null.
      if (dst !== null) expect(dst).toEqual({ address: '127.0.0.1', port: accepted.localPort });
    } finally {
      client.destroy();
      accepted.destroy();
      server.close();
    }
  });

  it('throws typed errors for descriptors that are not sockets', () => {
    const addon = loadOriginalDstAddon()!;
    const fd = openSync('/dev/null', 'r');
    expect(() => addon.getOriginalDst(fd, 4)).toThrow(expect.objectContaining({ code: 'ENOTSOCK' }) as Error);
    closeSync(fd);
    expect(() => addon.getOriginalDst(fd, 4)).toThrow(expect.objectContaining({ code: 'EBADF' }) as Error);
    expect(() => addon.getOriginalDst(-1, 4)).toThrow(TypeError);
    expect(() => addon.getOriginalDst(3, 5 as 4)).toThrow(TypeError);
    expect(() => (addon.getOriginalDst as unknown as (fd: string) => unknown)('3')).toThrow(TypeError);
  });
});

describe.skipIf(!canCompile || !canNetns)(
  'readOriginalDestination behind iptables REDIRECT (network namespace)',
  () => {
    it('returns the pre-NAT destination for IPv4, IPv6 and IPv4 on a dual-stack listener; null for direct connections', () => {
      const setup = [
        'ip link set lo up',
        'ip addr add 192.0.2.1/32 dev lo',
        'ip addr add 192.0.2.2/32 dev lo',
        'ip -6 addr add 2001:db8::1/128 dev lo nodad',
        `exec "${process.execPath}" --import tsx test/net/original-destination-netns-child.ts`,
      ].join(' && ');
      const run = spawnSync('unshare', ['--net', 'sh', '-c', setup], {
        cwd: root,
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({
        redirectedV4: { address: '192.0.2.1', port: 443 },
        redirectedV6: { address: '2001:db8::1', port: 443 },
        redirectedV4ToDualStack: { address: '192.0.2.2', port: 443 },
        directV4: null,
        directV4ToDualStack: null,
        directV6: null,
      });
    });
  },
);
