import { parser } from '@prometheus-io/lezer-promql';

/** Grafana's range macros, replaced by durations so that dashboard queries parse as plain PromQL. */
const grafanaMacros: Readonly<Record<string, string>> = {
  $__rate_interval: '5m',
  $__interval: '1m',
  $__range: '6h',
};

/**
 * Parses a PromQL expression with the Prometheus project's own grammar and returns where the first
 * syntax error is (with the text around it), or null when it parses.
 */
export function findPromqlError(expr: string): string | null {
  const query = expr.replace(/\$__[a-z_]+/g, (macro) => grafanaMacros[macro] ?? macro);
  let at = -1;
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.isError && at < 0) at = node.from;
    },
  });
  return at < 0 ? null : `syntax error at ${at}: ...${query.slice(Math.max(0, at - 30), at + 30)}...`;
}
