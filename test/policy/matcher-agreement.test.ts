import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileMatcher } from '../../src/policy/compile-matcher.js';
import { parseHostPattern } from '../../src/policy/host-pattern.js';
import { parseCidr } from '../../src/policy/parse-cidr.js';
import { parsePortSet } from '../../src/policy/port-set.js';
import { createReferenceMatcher } from '../../src/policy/reference-matcher.js';
import type { ResolvedRule } from '../../src/policy/resolved-rule.js';

// A small alphabet makes collisions between names and patterns likely, which is where bugs live.
const label = fc.constantFrom('a', 'b', 'ab', 'azgn1', 'azgnx', 'x-y', 'ex');
const base = fc
  .tuple(fc.array(label, { maxLength: 2 }), fc.constantFrom('ex.org', 'ex.com', 'a.ex.org'))
  .map(([labels, domain]) => [...labels, domain].join('.'));
const pattern = fc.oneof(
  base,
  base.map((b) => `*.${b}`),
  base.map((b) => `.${b}`),
  fc.tuple(fc.constantFrom('azgn*', 'a*', '*b', 'a*b', '*'), base).map(([g, b]) => `${g}.${b}`),
);
const ports = fc.array(fc.constantFrom(80, 443, '5671-5672', '440-450'), { minLength: 1, maxLength: 2 });
const ruleArb = fc.record({
  patterns: fc.array(pattern, { minLength: 1, maxLength: 3 }),
  ports,
  paths: fc.option(fc.constantFrom(['/a'], ['/b/', '/c'])),
});
const name = fc
  .tuple(
    fc.array(label, { maxLength: 4 }),
    fc.constantFrom('ex.org', 'ex.com', 'org', 'a.ex.org', 'b.ex.org'),
  )
  .map(([labels, domain]) => [...labels, domain].join('.'));

function buildRules(
  specs: readonly { patterns: string[]; ports: (number | string)[]; paths: readonly string[] | null }[],
): ResolvedRule[] {
  return specs.map((spec, i) => {
    const patterns = spec.patterns.map((p) => {
      const parsed = parseHostPattern(p);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.pattern;
    });
    const portSet = parsePortSet(spec.ports);
    if (!portSet.ok) throw new Error(portSet.error);
    return {
      profile: 'p',
      id: `r${i}`,
      hosts: spec.patterns,
      cidrs: [],
      ports: portSet.ports.text,
      ...(spec.paths ? { paths: spec.paths } : {}),
      purpose: '',
      provenance: { document: 'test' },
      patterns,
      cidrList: [],
      portSet: portSet.ports,
    };
  });
}

describe('compiled matcher agrees with the minimatch reference', () => {
  it('on random names, ports and paths', () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 12 }),
        fc.array(
          fc.tuple(
            name,
            fc.constantFrom(80, 443, 445, 5672, 8443),
            fc.option(fc.constantFrom('/a/x', '/b/', '/z')),
          ),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        (specs, queries) => {
          const rules = buildRules(specs);
          const fast = compileMatcher(rules);
          const reference = createReferenceMatcher(rules);
          for (const [host, port, path] of queries) {
            const p = path ?? undefined;
            expect(fast.matchName(host, port, p), `${host}:${port}${p ?? ''}`).toBe(
              reference.matchName(host, port, p),
            );
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('on CIDR rules and addresses', () => {
    const cidrRule = (text: string, i: number): ResolvedRule => {
      const c = parseCidr(text);
      const ps = parsePortSet([443]);
      if (!c.ok || !ps.ok) throw new Error('fixture');
      return {
        profile: 'p',
        id: `c${i}`,
        hosts: [],
        cidrs: [c.cidr.text],
        ports: ps.ports.text,
        purpose: '',
        provenance: { document: 'test' },
        patterns: [],
        cidrList: [c.cidr],
        portSet: ps.ports,
      };
    };
    const rules = ['20.37.0.0/16', '20.37.64.0/18', '52.0.0.0/8', '2603:1000::/40'].map(cidrRule);
    const fast = compileMatcher(rules);
    const reference = createReferenceMatcher(rules);
    fc.assert(
      fc.property(fc.ipV4(), fc.constantFrom(443, 80), (ip, port) => {
        expect(fast.matchAddress(ip, 'ipv4', port)).toBe(reference.matchAddress(ip, 'ipv4', port));
      }),
      { numRuns: 2000 },
    );
    expect(fast.matchAddress('20.37.70.1', 'ipv4', 443)).toBe(0);
    expect(fast.matchAddress('2603:1000::9', 'ipv6', 443)).toBe(3);
    expect(fast.matchAddress('20.38.0.1', 'ipv4', 443)).toBe(-1);
  });
});
