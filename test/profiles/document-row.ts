/**
 * One entry of a vendor document's outbound table, copied by hand from /work/shared/seeds/*.txt.
 * Tests are built from these rows, never from policies/*.yaml, so a mistake in a profile shows up as a
 * disagreement between the document and the engine.
 */
export type Cloud = 'public' | 'usgov' | 'china' | 'germany';

export interface DocumentRow {
  /** The document's entry, quoted: "section | cell" as it reads in the .txt file. */
  readonly entry: string;
  /**
   * The names the entry lists, as the document writes them (`*.x`, `.x`, `ab*.x`, exact). Schemes and
   * paths dropped. `<placeholder>` marks a value the test supplies (`<region>`, a customer host).
   */
  readonly names: readonly string[];
  /** The ports the document gives for the entry. */
  readonly ports: readonly number[];
  /** The cloud heading the document files the entry under; absent when the document does not split it. */
  readonly cloud?: Cloud;
}

const PLACEHOLDER = /<([a-z_]+)>/g;

/** The name with its placeholders filled in, or null when a placeholder has no value in this test. */
export function expandName(name: string, values: Readonly<Record<string, string>>): string | null {
  let missing = false;
  const expanded = name.replace(PLACEHOLDER, (_, key: string) => {
    const value = values[key];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? null : expanded;
}
