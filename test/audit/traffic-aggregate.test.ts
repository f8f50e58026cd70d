import { describe, expect, it } from 'vitest';
import type { CloseEvent, DecisionEvent } from '../../src/audit/log-event.js';
import { MAX_OPEN_CONNECTIONS, TrafficAggregate } from '../../src/audit/traffic-aggregate.js';

function decision(
  conn: string,
  host: string,
  time = 1000,
  extra: Partial<DecisionEvent> = {},
): DecisionEvent {
  return {
    type: 'decision',
    time,
    conn,
    group: 'g',
    client: '10.0.0.1',
    user: null,
    host,
    port: 443,
    path: null,
    decision: 'allow',
    reason: 'allowed',
    profile: 'p',
    rule: 'r',
    mode: 'enforce',
    ...extra,
  };
}

function close(conn: string, host: string, bytesOut: number, bytesIn: number, time = 2000): CloseEvent {
  return {
    type: 'close',
    time,
    conn,
    group: 'g',
    host,
    port: 443,
    decision: 'allow',
    profile: 'p',
    rule: 'r',
    bytesOut,
    bytesIn,
  };
}

describe('TrafficAggregate', () => {
  it('pairs closes with decisions by conn and spans first/last seen over both', () => {
    const a = new TrafficAggregate();
    a.addDecision(decision('1', 'a.example.com', 1000));
    a.addDecision(decision('2', 'a.example.com', 1500));
    a.addClose(close('2', 'a.example.com', 5, 7, 4000));
    a.addClose(close('1', 'a.example.com', 10, 20, 3000));
    expect(a.list()).toMatchObject([
      { host: 'a.example.com', connections: 2, bytesOut: 15, bytesIn: 27, firstSeen: 1000, lastSeen: 4000 },
    ]);
    expect(a.openConnections).toBe(0);
    expect(a.unpairedCloses).toBe(0);
  });

  it('does not move bytes to another destination when a conn id is reused', () => {
    const a = new TrafficAggregate();
    a.addDecision(decision('1', 'a.example.com'));
    a.addDecision(decision('9', 'b.example.com'));
    a.addClose(close('1', 'b.example.com', 100, 100));
    const [first, second] = a.list();
    expect(first).toMatchObject({ host: 'a.example.com', bytesOut: 0 });
    expect(second).toMatchObject({ host: 'b.example.com', connections: 1, bytesOut: 100 });
    expect(a.unpairedCloses).toBe(1);
  });

  it('counts a close-only destination once and keeps its decision', () => {
    const a = new TrafficAggregate();
    a.addClose({ ...close('7', 'c.example.com', 1, 2), decision: 'report', profile: null, rule: null });
    expect(a.list()).toMatchObject([
      { host: 'c.example.com', connections: 1, decisions: { report: 1 }, bytesIn: 2 },
    ]);
  });

  it('bounds the connections awaiting a close; late closes still add their bytes without double counting', () => {
    const a = new TrafficAggregate();
    for (let i = 0; i <= MAX_OPEN_CONNECTIONS; i++) a.addDecision(decision(String(i), 'busy.example.com'));
    expect(a.openConnections).toBe(MAX_OPEN_CONNECTIONS);
    a.addClose(close('0', 'busy.example.com', 3, 4));
    a.addClose(close(String(MAX_OPEN_CONNECTIONS), 'busy.example.com', 3, 4));
    expect(a.list()).toMatchObject([{ connections: MAX_OPEN_CONNECTIONS + 1, bytesOut: 6, bytesIn: 8 }]);
    expect(a.unpairedCloses).toBe(1);
  });

  it('keeps at most 20 distinct paths per destination and counts the rest', () => {
    const a = new TrafficAggregate();
    for (let i = 0; i < 25; i++) a.addDecision(decision(String(i), 'h.example.com', 1, { path: `/p${i}` }));
    a.addDecision(decision('x', 'h.example.com', 1, { path: '/p0' }));
    const [d] = a.list();
    expect(d?.paths.size).toBe(20);
    expect(d?.paths.get('/p0')).toBe(2);
    expect(d?.pathsDropped).toBe(5);
  });
});
