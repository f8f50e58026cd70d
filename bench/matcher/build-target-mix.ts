import type { Target } from '../../src/policy/decide.js';
import type { ResolvedRule } from '../../src/policy/resolved-rule.js';

/** Shares of the mix; what a gateway in front of agents sees is mostly allowed names. */
const SHARE = { allowed: 0.55, lookalike: 0.2, wrongPort: 0.15, ipLiteral: 0.1 } as const;

const IP_LITERALS: readonly string[] = [
  '20.50.2.10',
  '10.1.2.3',
  '192.168.0.10',
  '13.107.42.14',
  '0x7f.1',
  '2130706433',
  '[2001:db8::1]',
  '::ffff:20.50.2.10',
  '169.254.169.254',
  'fe80::1',
];

/**
 * A deterministic, shuffled mix of `count` targets derived from the rules themselves: names the rules
 * allow (exact, under wildcards, upper case, trailing dot), lookalikes that must not match (extra
 * label, glued label, suffix appended), allowed names on wrong ports, and IP literals in several
 * spellings. The same generator serves shipped and synthetic profiles, so costs compare.
 */
export function buildTargetMix(rules: readonly ResolvedRule[], count: number, seed = 7): Target[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const named = rules.filter((r) => r.patterns.some((p) => p.kind !== 'any'));
  if (named.length === 0) throw new Error('no named rules to draw targets from');
  const targets: Target[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    const rule = pick(named);
    const pattern = pick(rule.patterns.filter((p) => p.kind !== 'any'));
    const port = rule.portSet.ranges[0]?.[0] ?? 443;
    const allowedName = nameInside(pattern.kind, pattern.base, random);
    if (roll < SHARE.allowed) {
      targets.push({ host: decorate(allowedName, random), port });
    } else if (roll < SHARE.allowed + SHARE.lookalike) {
      targets.push({ host: lookalike(pattern.base, random), port });
    } else if (roll < SHARE.allowed + SHARE.lookalike + SHARE.wrongPort) {
      targets.push({ host: allowedName, port: port === 8443 ? 8444 : 8443 });
    } else {
      targets.push({ host: pick(IP_LITERALS), port: 443 });
    }
  }
  return targets;
}

function nameInside(kind: string, base: string, random: () => number): string {
  const label = `n${Math.floor(random() * 1000)}`;
  switch (kind) {
    case 'subtree':
      return random() < 0.7 ? `${label}.${base}` : `a.${label}.${base}`;
    case 'suffix':
      return random() < 0.5 ? base : `${label}.${base}`;
    case 'glob':
      // The synthetic globs are `ab*cd`; shipped profiles may differ, and then this is a near miss.
      return `ab${label}cd.${base}`;
    default:
      return base;
  }
}

function decorate(name: string, random: () => number): string {
  const roll = random();
  if (roll < 0.1) return name.toUpperCase();
  if (roll < 0.15) return `${name}.`;
  return name;
}

function lookalike(base: string, random: () => number): string {
  const roll = random();
  if (roll < 0.3) return `${base}.evil.example`;
  if (roll < 0.6) return `x${base}`;
  if (roll < 0.8) return base.replace('.', '-');
  return `login-${base.split('.').slice(1).join('.') || base}.attacker.net`;
}

/** Small seeded PRNG: the mix must be the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
