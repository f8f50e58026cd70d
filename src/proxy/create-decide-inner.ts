import type { EgressRequest } from '../egress-request.js';
import { decide, denial } from '../policy/decide.js';
import { normalizeHost } from '../policy/normalize-host.js';
import type { Recorder } from '../observe/recorder.js';
import type { DecideInner } from './egress-responder.js';
import type { ActiveGroup } from './policy-state.js';

/**
 * Domain fronting: a CONNECT to an allowed name carrying a ClientHello for another name. The inner
 * name is decided with the group (and so the policy) that allowed the CONNECT, never with one a
 * reload swapped in since; a denial is logged with `sni` set.
 */
export function createDecideInner(
  recorder: Recorder,
  request: EgressRequest,
  group: ActiveGroup,
): DecideInner {
  return (sni) => {
    if (sni === null) return false;
    const inner = normalizeHost(sni);
    if (inner !== null && inner.host === normalizeHost(request.host)?.host) return false;
    const decision =
      inner === null
        ? denial('invalid_target', group.mode)
        : decide(group.policy, { host: inner.host, port: request.port }, group.mode);
    if (decision.verdict === 'allow') return false;
    recorder.decided({ ...request, sni }, group.name, decision, group.mode);
    return decision.enforced;
  };
}
