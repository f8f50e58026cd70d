import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledPolicy } from '../../src/policy/compiled-policy.js';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { exampleHosts, lookalikeHosts } from './derive-hosts.js';
import { documentCovers } from './document-covers.js';
import { expandName, type Cloud, type DocumentRow } from './document-row.js';

export interface DocumentTable {
  /** Profiles to load, e.g. ['azure-arc-kubernetes']. */
  readonly profiles: readonly string[];
  /** What `--set` would pass. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The cloud whose rows apply (rows without a cloud apply always). */
  readonly cloud: Cloud;
  /** Values for `<placeholder>` in row names; a row name whose placeholder is missing is not in force. */
  readonly placeholders: Readonly<Record<string, string>>;
  readonly rows: readonly DocumentRow[];
  /** Names the documents give for other clouds or other products, checked against this table. */
  readonly foreignNames?: readonly string[];
}

interface InForce {
  readonly row: DocumentRow;
  readonly names: readonly string[];
}

type Outcome = 'allow' | 'deny:no_matching_rule' | 'deny:port_not_allowed' | 'deny:path_not_allowed';

const OTHER_PORTS = [22, 80, 443, 8080, 8443, 9418];

/** What the documents say about host:port, given the rows in force. */
function documented(inForce: readonly InForce[], host: string, port: number): Outcome {
  const covering = inForce.filter((r) => r.names.some((n) => documentCovers(n, host)));
  if (covering.some((r) => r.row.ports.includes(port))) return 'allow';
  return covering.length > 0 ? 'deny:port_not_allowed' : 'deny:no_matching_rule';
}

function actual(policy: CompiledPolicy, host: string, port: number, path?: string): Outcome {
  const d = decide(policy, path === undefined ? { host, port } : { host, port, path }, 'enforce');
  return d.verdict === 'allow' ? 'allow' : (`deny:${d.reason}` as Outcome);
}

/** The URL paths a row's entry gives for a host (`http://www.microsoft.com/pkiops/crl` → /pkiops/crl). */
function documentedPaths(row: DocumentRow, host: string): string[] {
  return [...row.entry.matchAll(/https?:\/\/([^/\s]+)(\/[^\s]*)/g)]
    .filter((m) => m[1]?.toLowerCase() === host.toLowerCase())
    .map((m) => m[2] ?? '/');
}

/**
 * Allowed as the document lists it. A host the document lists only with paths is allowed on plain HTTP
 * for those paths; egressgate never opens a tunnel on the strength of a path it cannot see.
 */
function allowedAsListed(policy: CompiledPolicy, row: DocumentRow, host: string, port: number): boolean {
  if (actual(policy, host, port) === 'allow') return true;
  const paths = documentedPaths(row, host);
  return (
    port === 80 &&
    paths.length > 0 &&
    actual(policy, host, port) === 'deny:path_not_allowed' &&
    paths.every((path) => actual(policy, host, port, path) === 'allow')
  );
}

/**
 * Table-driven checks of one profile against rows copied from its document: every listed name is
 * allowed on every listed port; other ports, lookalike names and the names of other clouds get what the
 * document rows say (usually a denial). Each mismatch is reported as host:port expected/got.
 */
export function describeDocumentTable(title: string, table: DocumentTable): void {
  const expand = (row: DocumentRow): InForce => ({
    row,
    names: row.names.flatMap((n) => expandName(n, table.placeholders) ?? []),
  });
  const inForce = table.rows
    .filter((row) => row.cloud === undefined || row.cloud === table.cloud)
    .map(expand)
    .filter((r) => r.names.length > 0);
  const elsewhere = table.rows
    .filter((row) => row.cloud !== undefined && row.cloud !== table.cloud)
    .map(expand);

  describe(title, () => {
    let policy: CompiledPolicy;
    beforeAll(async () => {
      policy = await loadPolicy({ dir: 'policies', profiles: table.profiles, parameters: table.parameters });
    });

    const check = (cases: readonly (readonly [string, number])[]): void => {
      const mismatches = cases.flatMap(([host, port]) => {
        const want = documented(inForce, host, port);
        const got = actual(policy, host, port);
        return want === got ? [] : [`${host}:${port} documented ${want}, engine ${got}`];
      });
      expect(mismatches).toEqual([]);
    };

    for (const { row, names } of inForce) {
      const hosts = names.flatMap(exampleHosts);
      it(`allows ${row.entry}`, () => {
        const cases = hosts.flatMap((h) => row.ports.map((p) => [h, p] as const));
        const refused = cases
          .filter(([h, p]) => !allowedAsListed(policy, row, h, p))
          .map(([h, p]) => `${h}:${p}`);
        expect(refused).toEqual([]);
      });
      it(`other ports of ${row.entry}`, () => {
        check(
          hosts.flatMap((h) => OTHER_PORTS.filter((p) => !row.ports.includes(p)).map((p) => [h, p] as const)),
        );
      });
      it(`lookalikes of ${row.entry}`, () => {
        const port = row.ports[0] ?? 443;
        check(names.flatMap(lookalikeHosts).map((h) => [h, port] as const));
      });
    }

    for (const { row, names } of elsewhere.filter((r) => r.names.length > 0)) {
      it(`${row.cloud ?? ''} entry under cloud=${table.cloud}: ${row.entry}`, () => {
        check(names.flatMap(exampleHosts).flatMap((h) => row.ports.map((p) => [h, p] as const)));
      });
    }

    // The other direction: every name and port the loaded rules open must come from a row in force, so a
    // stray host or port in a profile fails here even when no lookalike happens to hit it.
    it('opens nothing the document rows do not list', () => {
      const strays = policy.rules.flatMap((rule) => [
        ...rule.cidrs.map((c) => `${rule.profile}/${rule.id}: CIDR ${c} is in no row`),
        ...rule.hosts.flatMap((host) => {
          const rows = inForce.filter((r) => r.names.some((n) => n.toLowerCase() === host.toLowerCase()));
          if (rows.length === 0) return [`${rule.profile}/${rule.id}: ${host} is in no row`];
          const documentedPorts = new Set(rows.flatMap((r) => r.row.ports.map(String)));
          return rule.ports
            .filter((p) => !documentedPorts.has(p))
            .map((p) => `${rule.profile}/${rule.id}: ${host} port ${p} is in no row`);
        }),
      ]);
      expect(strays).toEqual([]);
    });

    if (table.foreignNames?.length) {
      it('names of other clouds and products follow the documents', () => {
        check((table.foreignNames ?? []).flatMap((h) => [[h, 443] as const, [h, 80] as const]));
      });
    }
  });
}
