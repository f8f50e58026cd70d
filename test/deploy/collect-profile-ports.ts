import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ProfileFile {
  readonly include?: readonly string[];
  readonly rules?: readonly { readonly ports: readonly (number | string)[] }[];
}

/**
 * The TCP ports the rules of the named profiles allow (includes followed), as [first, last] ranges.
 * Profiles come from `custom` (name -> file text) first, then from the shipped policies directory.
 */
export function collectProfilePorts(
  names: readonly string[],
  policiesDir: string,
  custom: Readonly<Record<string, string>> = {},
): [number, number][] {
  const seen = new Set<string>();
  const ports: [number, number][] = [];
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const text = custom[name] ?? readFileSync(join(policiesDir, `${name}.yaml`), 'utf8');
    const profile = parse(text) as ProfileFile;
    for (const rule of profile.rules ?? []) {
      for (const port of rule.ports) {
        const [first, last = first] = String(port).split('-').map(Number) as [number, number?];
        ports.push([first, last]);
      }
    }
    for (const included of profile.include ?? []) visit(included);
  };
  names.forEach(visit);
  return ports;
}
