import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * Two network namespaces joined by a veth pair on a private /30: a gateway side and a client side.
 * Nothing is routed out of them; deleting the namespaces removes the veth pair and every rule.
 */
export interface NetnsPair {
  readonly gateway: string;
  readonly client: string;
  /** The gateway's veth address (the client's default route). */
  readonly gatewayIp: string;
  readonly clientIp: string;
  readonly subnet: string;
  /** Runs a command inside a namespace; throws with its stderr on failure. */
  exec(ns: string, command: readonly string[]): string;
  /** Deletes both namespaces; safe to call twice and after a partial setup. */
  remove(): void;
}

function run(command: readonly string[]): string {
  const [file = '', ...args] = command;
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Why namespace tests cannot run here, or null when they can: root, `ip netns`, and an iptables
 * nat table inside a fresh namespace.
 */
export function netnsUnavailableReason(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not running as root';
  for (const bin of ['ip', 'iptables', 'curl']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} is not installed`;
  }
  const probe = `egt-probe-${randomBytes(3).toString('hex')}`;
  const added = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (added.status !== 0) return `ip netns add failed: ${added.stderr.trim()}`;
  try {
    const nat = spawnSync('ip', ['netns', 'exec', probe, 'iptables', '-t', 'nat', '-n', '-L', 'PREROUTING'], {
      encoding: 'utf8',
    });
    if (nat.status !== 0) return `iptables nat table unusable in a namespace: ${nat.stderr.trim()}`;
  } finally {
    spawnSync('ip', ['netns', 'del', probe]);
  }
  return null;
}

/** Creates the pair with a random suffix and a random 10.231.x.0/30, so parallel runs never collide. */
export function createNetnsPair(): NetnsPair {
  const id = randomBytes(3).toString('hex');
  const octet = 1 + (parseInt(id.slice(0, 2), 16) % 254);
  const gateway = `egt-gw-${id}`;
  const client = `egt-cl-${id}`;
  const gatewayIp = `10.231.${octet}.1`;
  const clientIp = `10.231.${octet}.2`;
  const created: string[] = [];
  const exec = (ns: string, command: readonly string[]): string =>
    run(['ip', 'netns', 'exec', ns, ...command]);
  const pair: NetnsPair = {
    gateway,
    client,
    gatewayIp,
    clientIp,
    subnet: `10.231.${octet}.0/30`,
    exec,
    remove() {
      for (const ns of created.splice(0)) spawnSync('ip', ['netns', 'del', ns]);
    },
  };
  try {
    for (const ns of [gateway, client]) {
      run(['ip', 'netns', 'add', ns]);
      created.push(ns);
      exec(ns, ['ip', 'link', 'set', 'lo', 'up']);
    }
    // Created inside the gateway namespace, so no interface ever appears in the host's namespace.
    exec(gateway, [
      'ip',
      'link',
      'add',
      `vg${id}`,
      'type',
      'veth',
      'peer',
      'name',
      `vc${id}`,
      'netns',
      client,
    ]);
    exec(gateway, ['ip', 'addr', 'add', `${gatewayIp}/30`, 'dev', `vg${id}`]);
    exec(gateway, ['ip', 'link', 'set', `vg${id}`, 'up']);
    exec(client, ['ip', 'addr', 'add', `${clientIp}/30`, 'dev', `vc${id}`]);
    exec(client, ['ip', 'link', 'set', `vc${id}`, 'up']);
    // Every destination the client tries goes to the gateway, as on a network with a transparent gateway.
    exec(client, ['ip', 'route', 'add', 'default', 'via', gatewayIp]);
    return pair;
  } catch (err) {
    pair.remove();
    throw err;
  }
}
