/**
 * What to do about a refusal made before any profile was consulted: no profile rule changes these, so
 * the suggested profile cannot cover them. Each says how the traffic can be allowed, if it should be.
 */
const ADVICE: Readonly<Record<string, string>> = {
  no_sni:
    'The TLS ClientHello named no server, so there is no name to decide on. Point the client at the explicit proxy (HTTPS_PROXY) so it names its destination in CONNECT, or configure it to connect by host name, which puts the name in the SNI.',
  ip_sni:
    'The client put an IP address in the SNI. Have it connect by host name; an address can be allowed only through the explicit proxy with a cidrs rule naming it.',
  not_tls:
    'The bytes on the transparent TLS port were not a TLS ClientHello (plain HTTP, SSH, ...). Redirect plain HTTP to a transparent HTTP listener (--transparent-http) or send it through the explicit proxy, and keep other protocols off the redirected port.',
  private_address:
    'The name resolved to a private, loopback or link-local address. Allowed only by a rule whose cidrs name that range explicitly (e.g. cidrs: [10.20.0.0/16]); metadata, unspecified and multicast addresses are never dialled.',
  client_not_allowed:
    'The client address is in no client group. Add its CIDR to the clientGroups entry it belongs to (the config reloads on SIGHUP or on save).',
  connection_limit:
    'A connection limit refused it. Raise limits.maxConnections or the group maxConnections if the load is expected.',
  loop: 'The destination is egressgate itself. Point the client at the real destination.',
  invalid_target: 'The request named no valid host and port. Fix the client (or its proxy settings).',
};

export function prePolicyAdvice(reason: string | null): string | null {
  return reason === null ? null : (ADVICE[reason] ?? null);
}
