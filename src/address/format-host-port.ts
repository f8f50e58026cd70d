/**
 * "host:port", with an IPv6 address in brackets so the port stays unambiguous. The one spelling of an
 * authority in logs, answers, the parent-proxy CONNECT and reports (a name never contains ':').
 */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** formatHostPort of a socket address ("ip:port"). */
export function formatAddress(a: { readonly address: string; readonly port: number }): string {
  return formatHostPort(a.address, a.port);
}
