import { matchClientGroup } from '../proxy/match-client-group.js';
import type { EgressRequest } from '../egress-request.js';
import { normalizeHost } from '../policy/normalize-host.js';
import { decide, denial } from '../policy/decide.js';
import type { EgressContext } from '../proxy/egress-context.js';

/** Whether a tunnel may carry a ClientHello for `sni`: true = refuse it (already logged). */
export type DecideTunnelSni = (request: EgressRequest, sni: string | null) => boolean;

/**
 * Domain fronting: a CONNECT to an allowed name carrying a ClientHello for another name. The inner
 * name is decided with the same client group's policy, and a denial is logged with `sni` set.
 */
export function createDecideTunnelSni(ctx: EgressContext): DecideTunnelSni {
  return (request, sni) => {
    if (sni === null) return false;
    const inner = normalizeHost(sni);
    if (inner !== null && inner.host === normalizeHost(request.host)?.host) return false;
    const group = matchClientGroup(ctx.policy().groups, request.client.address, request.user);
    if (group === null) return false;
    const decision =
      inner === null
        ? denial('invalid_target', group.mode)
        : decide(group.policy, { host: inner.host, port: request.port }, group.mode);
    if (decision.verdict === 'allow') return false;
    ctx.recorder.decided({ ...request, sni, id: request.id }, group.name, decision, group.mode);
    return decision.enforced;
  };
}
