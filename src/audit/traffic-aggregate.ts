import type { CloseEvent, DecisionEvent, DecisionLabel } from './log-event.js';

/** Distinct plain-HTTP paths kept per destination for the what-if; more are counted, not kept. */
export const MAX_PATHS_PER_DESTINATION = 20;

/** Connections awaiting their close line; beyond this the oldest are forgotten (see addClose). */
export const MAX_OPEN_CONNECTIONS = 100_000;

/** Distinct clients kept per destination; more are counted in clientsDropped, not kept. */
export const MAX_CLIENTS_PER_DESTINATION = 1000;

/** What the log says about one (client group, host, port). */
export interface DestinationStats {
  readonly group: string | null;
  readonly host: string;
  readonly port: number;
  connections: number;
  bytesOut: number;
  bytesIn: number;
  firstSeen: number;
  lastSeen: number;
  readonly decisions: Record<DecisionLabel, number>;
  /** From the latest decision line: which rule allowed it, or why it was refused. */
  profile: string | null;
  rule: string | null;
  reason: DecisionEvent['reason'] | null;
  /** Connections per plain-HTTP path (decide can hinge on the path). */
  readonly paths: Map<string, number>;
  pathsDropped: number;
  /** Connections per client (`ip`, or `ip (user)` when the line names a proxy user). */
  readonly clients: Map<string, number>;
  clientsDropped: number;
}

function keyOf(group: string | null, host: string, port: number): string {
  return JSON.stringify([group, host, port]);
}

/**
 * Folds decision and close lines into per-destination counters. Memory is bounded by the number of
 * distinct destinations plus at most MAX_OPEN_CONNECTIONS awaiting their close, never by log length.
 * Connections are counted from decision lines; close lines add bytes.
 */
export class TrafficAggregate {
  private readonly destinations = new Map<string, DestinationStats>();
  /** Connections whose close line has not been seen yet, by `conn`. */
  private readonly open = new Map<string, DestinationStats>();
  /** Close lines with no decision line before them (log cut mid-connection, or a restarted proxy). */
  unpairedCloses = 0;
  /** Earliest and latest `time` of any decision or close line: the observation window. */
  firstTime: number | null = null;
  lastTime: number | null = null;

  private observe(time: number): void {
    this.firstTime = this.firstTime === null ? time : Math.min(this.firstTime, time);
    this.lastTime = this.lastTime === null ? time : Math.max(this.lastTime, time);
  }

  private destinationFor(group: string | null, host: string, port: number, time: number): DestinationStats {
    const key = keyOf(group, host, port);
    let d = this.destinations.get(key);
    if (!d) {
      d = {
        group,
        host,
        port,
        connections: 0,
        bytesOut: 0,
        bytesIn: 0,
        firstSeen: time,
        lastSeen: time,
        decisions: { allow: 0, deny: 0, report: 0 },
        profile: null,
        rule: null,
        reason: null,
        paths: new Map(),
        pathsDropped: 0,
        clients: new Map(),
        clientsDropped: 0,
      };
      this.destinations.set(key, d);
    }
    d.firstSeen = Math.min(d.firstSeen, time);
    d.lastSeen = Math.max(d.lastSeen, time);
    return d;
  }

  addDecision(e: DecisionEvent): void {
    this.observe(e.time);
    const d = this.destinationFor(e.group, e.host, e.port, e.time);
    if (e.client !== null) this.countClient(d, e.user === null ? e.client : `${e.client} (${e.user})`);
    d.connections += 1;
    d.decisions[e.decision] += 1;
    if (e.decision === 'allow') {
      d.profile = e.profile;
      d.rule = e.rule;
    } else {
      d.reason = e.reason;
    }
    if (e.path !== null) this.countPath(d, e.path);
    this.open.delete(e.conn);
    this.open.set(e.conn, d);
    // A log full of decisions without closes (cut logs, a crashed proxy) must not grow this map without
    // bound: forget the oldest; its close, if it comes, is still attributed by its own fields.
    if (this.open.size > MAX_OPEN_CONNECTIONS) {
      const oldest = this.open.keys().next();
      if (!oldest.done) this.open.delete(oldest.value);
    }
  }

  addClose(e: CloseEvent): void {
    this.observe(e.time);
    const d = this.open.get(e.conn);
    // A reused id (proxy restarted between two files) must not move bytes to another destination.
    if (d && d.host === e.host && d.port === e.port && d.group === e.group) {
      this.open.delete(e.conn);
      d.bytesOut += e.bytesOut;
      d.bytesIn += e.bytesIn;
      d.lastSeen = Math.max(d.lastSeen, e.time);
      return;
    }
    this.unpairedCloses += 1;
    // Attribute the bytes by the close line's own fields. Count a connection only for a destination
    // no decision line named: otherwise the decision line was counted already (its entry was evicted).
    const known = this.destinations.has(keyOf(e.group, e.host, e.port));
    const orphan = this.destinationFor(e.group, e.host, e.port, e.time);
    if (!known) {
      orphan.connections += 1;
      orphan.decisions[e.decision] += 1;
      if (e.decision === 'allow') {
        orphan.profile = e.profile;
        orphan.rule = e.rule;
      }
    }
    orphan.bytesOut += e.bytesOut;
    orphan.bytesIn += e.bytesIn;
  }

  private countClient(d: DestinationStats, client: string): void {
    const n = d.clients.get(client);
    if (n !== undefined) d.clients.set(client, n + 1);
    else if (d.clients.size < MAX_CLIENTS_PER_DESTINATION) d.clients.set(client, 1);
    else d.clientsDropped += 1;
  }

  private countPath(d: DestinationStats, path: string): void {
    const n = d.paths.get(path);
    if (n !== undefined) d.paths.set(path, n + 1);
    else if (d.paths.size < MAX_PATHS_PER_DESTINATION) d.paths.set(path, 1);
    else d.pathsDropped += 1;
  }

  /** Connections with a decision line but no close line yet (still open when the log ends). */
  get openConnections(): number {
    return this.open.size;
  }

  /** Sorted by group, then host, then port, so reports are stable. */
  list(): readonly DestinationStats[] {
    return [...this.destinations.values()].sort(compareDestinations);
  }
}

export function compareDestinations(
  a: { group: string | null; host: string; port: number },
  b: { group: string | null; host: string; port: number },
): number {
  return compareText(a.group ?? '', b.group ?? '') || compareText(a.host, b.host) || a.port - b.port;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
