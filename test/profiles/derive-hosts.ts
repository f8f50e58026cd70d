/** Concrete hosts a client could ask for under a name as the document writes it. */
export function exampleHosts(pattern: string): string[] {
  if (pattern.startsWith('*.')) {
    const parent = pattern.slice(2);
    return [`acct42.${parent}`, `a-b.c9.${parent}`];
  }
  if (pattern.startsWith('.')) {
    const parent = pattern.slice(1);
    return [parent, `x1.${parent}`];
  }
  const dot = pattern.indexOf('.');
  const first = pattern.slice(0, dot);
  if (first.includes('*')) return [`${first.replace(/\*/g, 'x7y')}${pattern.slice(dot)}`];
  return [pattern, pattern.toUpperCase()];
}

/**
 * Names that look like the entry but are something else: a suffix appended, a prefix glued onto the
 * first label, a wrong parent domain, an extra label, the bare parent. Whether each must be denied is
 * decided from the documents (another entry may cover it), not assumed here.
 */
export function lookalikeHosts(pattern: string): string[] {
  const [concrete = pattern] = exampleHosts(pattern);
  const wildcard = pattern.startsWith('*.') || pattern.startsWith('.');
  const base = wildcard ? pattern.replace(/^\*?\./, '') : concrete;
  const out = [`${concrete}.evil.com`, `${concrete}.evil`, `${concrete}-evil.com`];
  // Glued onto the first label of what the entry names: evilmanagement.azure.com, evilblob.core.windows.net.
  out.push(`evil${base}`, `evil-${base}`);
  if (pattern.startsWith('*.')) out.push(base);
  const labels = base.split('.');
  if (!wildcard && labels.length > 2) {
    out.push(labels.slice(1).join('.'));
    out.push([labels[0], 'evil', ...labels.slice(1)].join('.'));
  }
  const c = concrete.split('.');
  const tld = c[c.length - 1] ?? '';
  out.push([...c.slice(0, -1), tld === 'com' ? 'net' : 'com'].join('.'));
  const sld = c.length - 2;
  out.push(c.map((l, i) => (i === sld ? `${l}x` : l)).join('.'));
  out.push(c.map((l, i) => (i === sld ? `evil-${l}` : l)).join('.'));
  return [...new Set(out.map((h) => h.toLowerCase()))];
}
