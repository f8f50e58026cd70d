import type { AddressInfo } from 'node:net';
import type { AppAddresses } from '../app.js';
import type { LabEndpoint } from './list-lab-endpoints.js';
import { formatAddress } from '../address/format-host-port.js';

function exampleUrl(endpoints: readonly LabEndpoint[]): string {
  const https = endpoints.find((e) => e.ports.includes('443'));
  if (https !== undefined) return `https://${https.host}/`;
  const first = endpoints[0];
  if (first === undefined) return 'https://example.invalid/';
  const port = first.ports[0]?.split('-')[0] ?? '443';
  return port === '80' ? `http://${first.host}/` : `https://${first.host}:${port}/`;
}

/** What `egressgate lab endpoints` prints once everything listens: where, what, and how to try it. */
export function describeLab(opts: {
  readonly profiles: readonly string[];
  readonly proxy: AppAddresses;
  readonly endpointsAddress: AddressInfo;
  readonly endpoints: readonly LabEndpoint[];
  readonly caPath: string;
}): string {
  const proxyUrl = `http://${formatAddress(opts.proxy.listen)}`;
  const width = Math.max(...opts.endpoints.map((e) => e.host.length));
  const rows = opts.endpoints.map(
    (e) =>
      `    ${e.host.padEnd(width)}  ${e.ports.join(',').padEnd(10)}  ${e.rules.join(' ')}${e.sample ? '  (sample name)' : ''}`,
  );
  const transparent = [...opts.proxy.transparentTls, ...opts.proxy.transparentHttp].map(formatAddress);
  return [
    `egressgate lab: ${opts.endpoints.length} simulated endpoints for ${opts.profiles.join(', ')} on ${formatAddress(opts.endpointsAddress)}`,
    `  proxy:       ${proxyUrl}${transparent.length > 0 ? `  (transparent: ${transparent.join(', ')})` : ''}`,
    ...(opts.proxy.admin === null
      ? []
      : [`  admin:       http://${formatAddress(opts.proxy.admin)}/metrics`]),
    `  lab CA:      ${opts.caPath}  (the lab's clients trust this, and only in the lab)`,
    '  endpoints:',
    ...rows,
    '  try:',
    `    curl --proxy ${proxyUrl} --cacert ${opts.caPath} ${exampleUrl(opts.endpoints)}`,
    '  decision log: JSON lines on stdout (egressgate audit reads them); Ctrl-C stops the lab',
    '',
  ].join('\n');
}
