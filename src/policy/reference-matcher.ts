import { minimatch } from 'minimatch';
import { BlockList } from 'node:net';
import { NO_HOST, PATH_MISMATCH, PORT_MISMATCH, type Matcher } from './compile-matcher.js';
import type { HostPattern } from './host-pattern.js';
import { pathAllowedBy } from './path-prefix.js';
import { portSetHas } from './port-set.js';
import type { ResolvedRule } from './resolved-rule.js';

// Labels become path segments so that minimatch's '*' (never across '/') cannot cross a dot.
const toPath = (name: string): string => name.split('.').join('/');

function toGlob(pattern: HostPattern): string {
  switch (pattern.kind) {
    case 'any':
      return '**';
    case 'exact':
      return toPath(pattern.base);
    case 'subtree':
      return `**/*/${toPath(pattern.base)}`;
    case 'suffix':
      return `**/${toPath(pattern.base)}`;
    case 'glob':
      return `${pattern.source.split('.')[0]?.toLowerCase() ?? ''}/${toPath(pattern.base)}`;
  }
}

/**
 * The obviously-correct matcher: a linear scan with minimatch. Slow on purpose; the property tests
 * and the benchmark hold the compiled matcher against it.
 */
export function createReferenceMatcher(rules: readonly ResolvedRule[]): Matcher {
  const globs = rules.map((rule) => rule.patterns.map(toGlob));
  const scan = (hit: (index: number) => boolean, port: number, path: string | undefined): number => {
    let state = NO_HOST;
    for (const [index, rule] of rules.entries()) {
      if (!hit(index)) continue;
      if (!portSetHas(rule.portSet, port)) {
        if (state === NO_HOST) state = PORT_MISMATCH;
        continue;
      }
      if (rule.paths && (path === undefined || !pathAllowedBy(rule.paths, path))) {
        state = PATH_MISMATCH;
        continue;
      }
      return index;
    }
    return state;
  };
  return {
    matchName(host, port, path) {
      const target = toPath(host);
      return scan((i) => (globs[i] ?? []).some((g) => minimatch(target, g, { dot: true })), port, path);
    },
    matchAddress(address, family, port) {
      return scan(
        (i) => {
          const list = new BlockList();
          for (const c of rules[i]?.cidrList ?? []) list.addSubnet(c.address, c.prefix, c.family);
          return list.check(address, family);
        },
        port,
        undefined,
      );
    },
  };
}
