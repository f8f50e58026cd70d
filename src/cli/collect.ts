import { InvalidArgumentError } from 'commander';

/** commander reducer for repeatable flags (--profile A --profile B). */
export function collectList(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** commander reducer for repeatable KEY=VALUE flags (--set region=westeurope). */
export function collectKeyValue(
  value: string,
  previous: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`'${value}' is not KEY=VALUE (e.g. --set region=westeurope)`);
  return { ...previous, [value.slice(0, eq).trim()]: value.slice(eq + 1) };
}
