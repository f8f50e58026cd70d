import { BlockList } from 'node:net';
import { compilePathPrefix, pathsAllow } from './path-prefix.js';
import { portSetHas } from './port-set.js';
import { readPathReadings, type PathReadings } from './read-path-readings.js';
import type { ResolvedRule } from './resolved-rule.js';

/** What a lookup found: the index of the first rule that matched entirely, or how close it came. */
export const NO_HOST = -1;
export const PORT_MISMATCH = -2;
export const PATH_MISMATCH = -3;

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  readonly exact: number[];
  readonly subtree: number[];
  readonly suffix: number[];
  readonly globs: { readonly label: RegExp; readonly rules: number[] }[];
}

export interface Matcher {
  /** `host` must already be normalized (normalizeHost). Returns a rule index or a negative code. */
  matchName(host: string, port: number, path: string | undefined): number;
  matchAddress(address: string, family: 'ipv4' | 'ipv6', port: number): number;
}

function newNode(): TrieNode {
  return { children: new Map(), exact: [], subtree: [], suffix: [], globs: [] };
}

/**
 * Builds a trie over reversed labels once per policy load. A lookup walks the name's labels once,
 * so its cost depends on the name, not on how many rules there are.
 */
export function compileMatcher(rules: readonly ResolvedRule[]): Matcher {
  const root = newNode();
  const anyHost: number[] = [];
  const cidrRules: { index: number; list: BlockList }[] = [];
  rules.forEach((rule, index) => {
    for (const pattern of rule.patterns) {
      if (pattern.kind === 'any') {
        anyHost.push(index);
        continue;
      }
      let node = root;
      for (const label of pattern.base.split('.').reverse()) {
        let next = node.children.get(label);
        if (!next) node.children.set(label, (next = newNode()));
        node = next;
      }
      if (pattern.kind === 'glob') {
        const glob = node.globs.find((g) => g.label.source === pattern.label.source);
        if (glob) glob.rules.push(index);
        else node.globs.push({ label: pattern.label, rules: [index] });
      } else {
        node[pattern.kind].push(index);
      }
    }
    if (rule.cidrList.length > 0) {
      const list = new BlockList();
      for (const c of rule.cidrList) list.addSubnet(c.address, c.prefix, c.family);
      cidrRules.push({ index, list });
    }
  });

  const prefixes = rules.map((rule) => rule.paths?.map(compilePathPrefix));
  // best: lowest matching rule index so far; state: how far the closest candidate got.
  let best = Infinity;
  let state = NO_HOST;
  // The path's readings, worked out on the first path rule a lookup meets (undefined: not yet).
  let readings: PathReadings | undefined;
  const consider = (candidates: readonly number[], port: number, path: string | undefined): void => {
    for (const index of candidates) {
      if (index >= best) continue;
      const rule = rules[index] as ResolvedRule;
      if (!portSetHas(rule.portSet, port)) {
        if (state === NO_HOST) state = PORT_MISMATCH;
        continue;
      }
      const paths = prefixes[index];
      if (paths) {
        // A rule limited to paths cannot vouch for a tunnel, whose path egressgate never sees.
        if (path !== undefined && readings === undefined) readings = readPathReadings(path);
        if (path === undefined || !pathsAllow(paths, readings ?? null)) {
          state = PATH_MISMATCH;
          continue;
        }
      }
      best = index;
    }
  };

  return Object.freeze({
    matchName(host: string, port: number, path: string | undefined): number {
      best = Infinity;
      state = NO_HOST;
      readings = undefined;
      if (anyHost.length) consider(anyHost, port, path);
      let node: TrieNode | undefined = root;
      let end = host.length;
      while (node) {
        // `end` marks the unconsumed prefix host[0, end): the labels below this node.
        if (end <= 0) {
          consider(node.exact, port, path);
          consider(node.suffix, port, path);
          break;
        }
        consider(node.subtree, port, path);
        consider(node.suffix, port, path);
        const dot = host.lastIndexOf('.', end - 1);
        const label = host.slice(dot + 1, end);
        if (dot < 0 && node.globs.length) {
          for (const glob of node.globs) if (glob.label.test(label)) consider(glob.rules, port, path);
        }
        node = node.children.get(label);
        end = dot < 0 ? 0 : dot;
        if (dot < 0 && node) {
          consider(node.exact, port, path);
          consider(node.suffix, port, path);
          break;
        }
      }
      return best === Infinity ? state : best;
    },
    matchAddress(address: string, family: 'ipv4' | 'ipv6', port: number): number {
      best = Infinity;
      state = NO_HOST;
      readings = undefined;
      for (const { index, list } of cidrRules) {
        if (list.check(address, family)) consider([index], port, undefined);
      }
      return best === Infinity ? state : best;
    },
  });
}
