/** A target that failed to parse, made safe to log and echo: printable ASCII, bounded length. */
export function sanitizeRawTarget(raw: string | undefined): string {
  return (raw ?? '').replace(/[^\x21-\x7e]/g, '?').slice(0, 255);
}
