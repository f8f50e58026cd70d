/**
 * What to do about a refusal made before any profile was consulted: no profile rule changes these, so
 * the suggested profile cannot cover them. Each says how the traffic can be allowed, if it should be.
 */
const ADVICE: Readonly<Record<string, string>> = {
  no_sni:
    'The TLS ClientHello named no server, so there is no name to decide on. A cidrs rule (or a customer-owned parameter given as an address) naming the original destination allows it; otherwise point the client at the explicit proxy (HTTPS_PROXY) so it names its destination in CONNECT, or have it connect by host name, which puts the name in the SNI.',
  ip_sni:
    'The client put an IP address in the SNI. Have it connect by host name, or allow the address with a cidrs rule naming the original destination (transparent) or the CONNECT address (explicit proxy).',
  not_tls:
    'The bytes on the transparent TLS port were not a TLS ClientHello (plain HTTP, LDAP, SQL, ...). Redirect that port to a transparent TCP listener (--transparent-tcp), which decides HTTP by Host and other protocols by a cidrs rule naming the original destination, or send it through the explicit proxy.',
  private_address:
    "The name resolved to a private, loopback or link-local address. Allowed by the client group's privateDestinations: [CIDR], by a rule whose cidrs name that range (e.g. cidrs: [10.20.0.0/16]), or, for your own servers, by the customer-owned parameter that names them (ldap_servers, adfs_hosts, vcenter_host, ...); metadata, loopback, unspecified and multicast addresses are never dialled.",
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
