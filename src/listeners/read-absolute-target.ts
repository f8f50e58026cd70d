import { parseHostPort, type HostPort } from '../net/parse-host-port.js';
import { readPolicyPath } from './read-policy-path.js';

export interface AbsoluteTarget extends HostPort {
  /** Path and query: what the upstream gets as its request target. */
  readonly originForm: string;
  /** Path alone: what the policy's path rules see. */
  readonly path: string;
  /** `host[:port]` as the URL parser spells it: the Host field the upstream gets. */
  readonly authority: string;
}

/**
 * `http://host[:port]/path?query` (or `ws://` for an upgrade). null when the request target is
 * origin-form, another scheme, carries userinfo or names no valid host.
 */
export function readAbsoluteTarget(url: string | undefined, upgrade: boolean): AbsoluteTarget | null {
  if (url === undefined || !/^(http|ws):\/\//i.test(url)) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'ws:' && !upgrade) return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  const target = parseHostPort(parsed.host, 80);
  if (target === null) return null;
  return {
    ...target,
    originForm: `${parsed.pathname}${parsed.search}`,
    path: readPolicyPath(parsed.pathname),
    authority: parsed.host,
  };
}
