/**
 * A TCP port written in decimal: 1 to 5 digits (a leading zero is allowed, "08" is 8), nothing
 * around them, 1..65535; with `allowZero`, 0 too (a listener's "pick a free port"). null otherwise.
 */
export function parsePort(raw: string, opts: { readonly allowZero?: boolean } = {}): number | null {
  if (!/^[0-9]{1,5}$/.test(raw)) return null;
  const port = Number(raw);
  return port >= (opts.allowZero === true ? 0 : 1) && port <= 65535 ? port : null;
}
