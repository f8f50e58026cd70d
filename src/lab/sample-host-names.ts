import type { HostPattern } from '../policy/host-pattern.js';

/**
 * Concrete names a lab can serve for one host pattern. A wildcard stands for names nobody can
 * list, so it gets one sample: `*.servicebus.windows.net` -> `lab.servicebus.windows.net`,
 * `azgn*.x` -> `azgnlab.x`, and `.wdcp.microsoft.com` both its base and `lab.` under it.
 * `*` on its own (anyHost) names nothing concrete.
 */
export function sampleHostNames(pattern: HostPattern, label: string): readonly string[] {
  switch (pattern.kind) {
    case 'exact':
      return [pattern.base];
    case 'subtree':
      return [`${label}.${pattern.base}`];
    case 'suffix':
      return [pattern.base, `${label}.${pattern.base}`];
    case 'glob': {
      const first = pattern.source.trim().toLowerCase().split('.')[0] ?? '';
      const name = first.replaceAll('*', label);
      // The glob's own regex is the judge: a label like `-` could make a name the rule would refuse.
      return pattern.label.test(name) ? [`${name}.${pattern.base}`] : [];
    }
    case 'any':
      return [];
  }
}
