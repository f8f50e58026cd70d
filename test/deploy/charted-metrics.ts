/** The metric names the chart's dashboard and alerts query: an interface between the chart and egressgate. */
export const chartedMetrics = [
  'egressgate_decisions_total',
  'egressgate_active_connections',
  'egressgate_bytes_total',
  'egressgate_upstream_connect_seconds',
  'egressgate_dial_errors_total',
  'egressgate_policy_reloads_total',
  'egressgate_policy_info',
  'egressgate_denied_destinations_total',
  'egressgate_connection_limit_rejections_total',
  'egressgate_policy_last_reload_timestamp_seconds',
  'egressgate_build_info',
] as const;
