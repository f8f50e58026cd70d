import type { HostPattern } from './host-pattern.js';
import { portSetCovers } from './port-set.js';
import type { ResolvedRule } from './resolved-rule.js';

export interface Redundancy {
  readonly profile: string;
  readonly rule: string;
  readonly coveredBy: string;
}

const under = (name: string, base: string): boolean => name.endsWith(`.${base}`);

/** True when every name `inner` matches is also matched by `outer`. */
export function patternCovers(outer: HostPattern, inner: HostPattern): boolean {
  if (outer.kind === 'any') return true;
  if (inner.kind === 'any') return false;
  switch (outer.kind) {
    case 'exact':
      return inner.kind === 'exact' && inner.base === outer.base;
    case 'suffix':
      return inner.base === outer.base || under(inner.base, outer.base);
    case 'subtree':
      return (
        under(inner.base, outer.base) ||
        (inner.base === outer.base && (inner.kind === 'subtree' || inner.kind === 'glob'))
      );
    case 'glob':
      return inner.base === outer.base && inner.kind === 'glob' && inner.label.source === outer.label.source;
  }
}

/** Rules of one profile made redundant by a broader rule of the same profile (ports included). */
export function findRedundantRules(rules: readonly ResolvedRule[]): Redundancy[] {
  const found: Redundancy[] = [];
  for (const inner of rules) {
    if (inner.patterns.length === 0 || inner.cidrList.length > 0) continue;
    const outer = rules.find(
      (candidate) =>
        candidate !== inner &&
        candidate.profile === inner.profile &&
        !candidate.paths &&
        portSetCovers(candidate.portSet, inner.portSet) &&
        inner.patterns.every((p) => candidate.patterns.some((o) => patternCovers(o, p))) &&
        // Two identical rules: report only the later one.
        !(rules.indexOf(candidate) > rules.indexOf(inner) && mutuallyCover(candidate, inner)),
    );
    if (outer) found.push({ profile: inner.profile, rule: inner.id, coveredBy: outer.id });
  }
  return found;
}

function mutuallyCover(a: ResolvedRule, b: ResolvedRule): boolean {
  return (
    portSetCovers(b.portSet, a.portSet) &&
    !b.paths &&
    a.patterns.every((p) => b.patterns.some((o) => patternCovers(o, p)))
  );
}
