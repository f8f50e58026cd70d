/** The allowed key closest to a misspelt one (edit distance at most 2), for "did you mean". */
export function suggestKey(key: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * A value an operator probably meant: Azure's display names ("West Europe") written the way profiles
 * need them ("westeurope"), or the closest allowed value. Null when nothing fits the declaration.
 */
export function suggestValue(
  value: string,
  decl: { readonly allowed?: readonly string[]; readonly pattern?: string },
): string | null {
  const squeezed = value.toLowerCase().replace(/[\s_]+/g, '');
  const fits = (v: string): boolean =>
    (decl.allowed === undefined || decl.allowed.includes(v)) &&
    (decl.pattern === undefined || new RegExp(decl.pattern).test(v));
  if (squeezed !== value && fits(squeezed)) return squeezed;
  if (decl.allowed !== undefined)
    return suggestKey(value, decl.allowed) ?? suggestKey(squeezed, decl.allowed);
  return null;
}

/** "did you mean" for a name: a close spelling, else the one known name that contains it. */
export function suggestName(name: string, known: readonly string[]): string | null {
  const close = suggestKey(name, known);
  if (close !== null) return close;
  const containing = known.filter((k) => k.includes(name) || name.includes(k));
  return containing.length === 1 ? (containing[0] ?? null) : null;
}
