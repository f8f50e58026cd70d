import type { ServeConfig } from './serve-config.js';

/** `serve --demo` (npm start): loopback only, enforce mode, one shipped profile. */
export const demoConfig: ServeConfig = Object.freeze({
  listen: '127.0.0.1:3128',
  admin: '127.0.0.1:9090',
  profiles: ['azure-arc-kubernetes'],
  parameters: { region: 'westeurope' },
  mode: 'enforce',
});

/** What the demo prints on stderr: how to try it. */
export function describeDemo(proxy: string, admin: string | null): string {
  return [
    `egressgate demo: profile azure-arc-kubernetes (region=westeurope), enforce mode, proxy on ${proxy}`,
    `  allowed: curl -x http://${proxy} https://management.azure.com/`,
    `  denied:  curl -x http://${proxy} https://example.com/   (403, reason no_matching_rule)`,
    admin === null ? '' : `  metrics: curl http://${admin}/metrics`,
    'Decision log lines (JSON) follow on stdout. Ctrl-C stops.',
    '',
  ]
    .filter((line, i, all) => line !== '' || i === all.length - 1)
    .join('\n');
}
