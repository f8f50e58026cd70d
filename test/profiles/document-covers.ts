/**
 * Whether a name as a document writes it covers a concrete host, by the semantics the issue gives:
 * exact names case-insensitively; `*.x` one or more labels under x, never x; `.x` x and everything under;
 * a `*` inside the first label any run within that one label. Used only to say what the documents
 * allow; kept independent of src/policy on purpose so the two can disagree.
 */
export function documentCovers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p.startsWith('*.')) {
    const parent = p.slice(1);
    return h.endsWith(parent) && h.length > parent.length;
  }
  if (p.startsWith('.')) return h === p.slice(1) || h.endsWith(p);
  const dot = p.indexOf('.');
  const first = p.slice(0, dot);
  if (first.includes('*')) {
    const hostDot = h.indexOf('.');
    if (hostDot < 0 || h.slice(hostDot) !== p.slice(dot)) return false;
    const glob = new RegExp(`^${first.split('*').map(escapeRegExp).join('[a-z0-9_-]*')}$`);
    return glob.test(h.slice(0, hostDot));
  }
  return h === p;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}
