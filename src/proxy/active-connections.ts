import type { CloseReason } from '../net/close-reason.js';
import type { Tunnel } from '../net/tunnel.js';

/**
 * Connections between decision and close: the limits count them, drain waits for them and then
 * closes what is left.
 */
export class ActiveConnections {
  private total = 0;
  private readonly perGroup = new Map<string, number>();
  private readonly relays = new Set<Tunnel>();
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly maxConnections: number) {}

  get size(): number {
    return this.total;
  }

  /** 'global' or 'group' when a limit is reached, else null (and the connection is counted). */
  acquire(group: string, groupLimit: number | null): 'global' | 'group' | null {
    if (this.total >= this.maxConnections) return 'global';
    const inGroup = this.perGroup.get(group) ?? 0;
    if (groupLimit !== null && inGroup >= groupLimit) return 'group';
    this.total++;
    this.perGroup.set(group, inGroup + 1);
    return null;
  }

  release(group: string): void {
    this.total--;
    const left = (this.perGroup.get(group) ?? 1) - 1;
    if (left === 0) this.perGroup.delete(group);
    else this.perGroup.set(group, left);
    if (this.total === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  track(relay: Tunnel): void {
    this.relays.add(relay);
    void relay.done.finally(() => this.relays.delete(relay));
  }

  /** Resolves when no connection is left, or after timeoutMs with the rest closed as `reason`. */
  async drain(timeoutMs: number, reason: CloseReason): Promise<void> {
    if (this.total === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([idle, timeout]);
    clearTimeout(timer);
    for (const relay of this.relays) relay.close(reason);
  }
}
