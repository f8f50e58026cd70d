/** egressgate's own counters from /metrics (no histogram buckets): evidence the run was counted. */
export function pickMetricLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('egressgate_') && !l.includes('_bucket'));
}
