import type { ProfileCoverage, Tighten } from './audit-report.js';

function isWildcard(pattern: string): boolean {
  return pattern.startsWith('.') || pattern.includes('*');
}

/**
 * Where the profiles allow more than the traffic used: rules never used in the window, and wildcard
 * rules with the concrete names seen under them (a `*.servicebus.windows.net` that could be three names).
 */
export function tightenProfiles(coverage: readonly ProfileCoverage[]): Tighten {
  const unused = coverage.flatMap((c) => c.unused.map((r) => ({ profile: c.profile, ...r })));
  const wildcards = coverage.flatMap((c) =>
    c.used
      .filter((r) => r.hosts.some(isWildcard))
      .map((r) => {
        const exact = new Set(r.hosts.filter((h) => !isWildcard(h)));
        return {
          profile: c.profile,
          id: r.id,
          patterns: r.hosts.filter(isWildcard),
          names: r.names.filter((n) => !exact.has(n)),
          connections: r.connections,
        };
      })
      .filter((w) => w.names.length > 0),
  );
  return { unused, wildcards };
}
