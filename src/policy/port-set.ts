/** Inclusive port ranges, as written in a profile ('443', '44300-44304'). */
export interface PortSet {
  readonly ranges: readonly (readonly [number, number])[];
  readonly text: readonly string[];
}

export type ParsedPorts = { ok: true; ports: PortSet } | { ok: false; error: string; index: number };

export function parsePortSet(values: readonly (number | string)[]): ParsedPorts {
  const ranges: [number, number][] = [];
  const text: string[] = [];
  for (const [index, value] of values.entries()) {
    const [lowText, highText] = String(value).split('-');
    const low = Number(lowText);
    const high = highText === undefined ? low : Number(highText);
    if (!Number.isInteger(low) || !Number.isInteger(high) || low < 1 || high > 65535) {
      return {
        ok: false,
        index,
        error: `port '${value}' is out of range; ports are 1-65535, e.g. 443 or '44300-44304'`,
      };
    }
    if (high < low) {
      return { ok: false, index, error: `port range '${value}' is backwards; write '${high}-${low}'` };
    }
    ranges.push([low, high]);
    text.push(low === high ? String(low) : `${low}-${high}`);
  }
  return { ok: true, ports: Object.freeze({ ranges: Object.freeze(ranges), text: Object.freeze(text) }) };
}

export function portSetHas(set: PortSet, port: number): boolean {
  for (const [low, high] of set.ranges) if (port >= low && port <= high) return true;
  return false;
}

/** True when every port of `inner` is in `outer` (used by lint for redundant rules). */
export function portSetCovers(outer: PortSet, inner: PortSet): boolean {
  return inner.ranges.every(([low, high]) => {
    for (let p = low; p <= high; p++) if (!portSetHas(outer, p)) return false;
    return true;
  });
}
