/** What each suite hands the dispatcher: a printable table and the raw figures for latest.json. */
export interface SuiteResult {
  readonly suite: string;
  readonly table: string;
  readonly figures: unknown;
  /** Goals from the issues, each with whether this run met it. */
  readonly goals: readonly { readonly goal: string; readonly met: boolean | null; readonly detail: string }[];
}
