import { describe, expect, it } from 'vitest';
import { escapingReadings } from './server-path-readings.js';

export type PathListener = 'explicit' | 'transparent';

export interface PathAnswer {
  readonly status: number;
  readonly proxyStatus: string;
  /** The request target the backend received, byte for byte; null when nothing reached it. */
  readonly received: string | null;
}

export interface PathSuiteSetup {
  /** A `paths` entry of the rule under test, as written in its profile. */
  readonly prefix: string;
  /** A name that rule allows on port 80. */
  readonly host: string;
  readonly listeners: readonly PathListener[];
  send(listener: PathListener, host: string, target: string): Promise<PathAnswer>;
}

/** Spellings that some common server reads outside the prefix: each must be refused. */
function escapingSpellings(base: string): readonly string[] {
  return [
    `${base}//../x`,
    `${base}//..%2fx`,
    `${base}/..%2fx`,
    `${base}/%2e%2e%2fx`,
    `${base}/.%2e/x`,
    `${base}/..;/x`,
    `${base}/..%3b/x`,
    `${base}/..%5cx`,
    `${base}/..\\x`,
    `${base};x/../x`,
    `${base}/x/..%2f..%2f..%2fy`,
    `${base}/..%3fy`,
    `${base}EVIL`,
  ];
}

/** Spellings no reading can be trusted on: refused on a path rule whatever a server would make of them. */
function untrustedSpellings(base: string): readonly string[] {
  return [
    `${base}/%252e%252e/x`,
    `${base}/%c0%ae%c0%ae/x`,
    `${base}/%e0%80%ae%e0%80%ae/x`,
    `${base}/%u002e%u002e/x`,
    `${base}/..%00/x`,
  ];
}

/** Spellings every server reads inside the prefix: allowed, and forwarded byte for byte. */
function insideSpellings(base: string): readonly string[] {
  return [
    `${base}/x`,
    `${base}/a%2Fb`,
    `${base}/a;jsessionid=1/b`,
    `${base}/Microsoft%20Azure%20TLS%20Issuing%20CA%2001.crl`,
    `${base}/x?sig=../../../y&a=%2f..`,
    `/other/..${base}/./x`,
    `${base}//x`,
  ];
}

/**
 * The path-rule suite of issue 12: every spelling through every listener, against what the backend
 * received and how each common server (test/support/server-path-readings.ts) would read that.
 */
export function describePathSpellings(name: string, setup: () => PathSuiteSetup): void {
  // The spellings are built from the prefix once the setup exists; vitest needs the table now.
  const base = (prefix: string): string => prefix.replace(/\/$/, '');
  const table = (pick: (b: string) => readonly string[]): [PathListener, number][] =>
    (['explicit', 'transparent'] as const).flatMap((l) =>
      pick('/p').map((_, i): [PathListener, number] => [l, i]),
    );

  describe(`${name}: path spellings x server readings`, () => {
    it.each(table(escapingSpellings))('%s: escaping spelling #%i is refused', async (listener, i) => {
      const s = setup();
      if (!s.listeners.includes(listener)) return;
      const target = escapingSpellings(base(s.prefix))[i] ?? '';
      // Some server really reads it outside the prefix (or it is outside: the EVIL sibling)...
      expect(escapingReadings(s.prefix, target).length, target).toBeGreaterThan(0);
      // ...and egressgate refuses it before anything reaches the backend.
      const answer = await s.send(listener, s.host, target);
      expect({ target, status: answer.status, received: answer.received }).toEqual({
        target,
        status: 403,
        received: null,
      });
      expect(answer.proxyStatus).toContain('path_not_allowed');
    });

    it.each(table(untrustedSpellings))('%s: untrusted spelling #%i is refused', async (listener, i) => {
      const s = setup();
      if (!s.listeners.includes(listener)) return;
      const target = untrustedSpellings(base(s.prefix))[i] ?? '';
      const answer = await s.send(listener, s.host, target);
      expect({ target, status: answer.status, received: answer.received }).toEqual({
        target,
        status: 403,
        received: null,
      });
      expect(answer.proxyStatus).toContain('path_not_allowed');
    });

    it.each(table(insideSpellings))('%s: inside spelling #%i arrives unchanged', async (listener, i) => {
      const s = setup();
      if (!s.listeners.includes(listener)) return;
      const target = insideSpellings(base(s.prefix))[i] ?? '';
      const answer = await s.send(listener, s.host, target);
      // Byte for byte what the client sent: no library resolved, merged or re-encoded it.
      expect({ target, status: answer.status, received: answer.received }).toEqual({
        target,
        status: 200,
        received: target,
      });
      expect(escapingReadings(s.prefix, answer.received ?? '')).toEqual([]);
    });
  });
}
