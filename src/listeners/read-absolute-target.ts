import { parseHostPort, type HostPort } from '../net/parse-host-port.js';
import { readOriginForm } from './read-origin-form.js';

export interface AbsoluteTarget extends HostPort {
  /** Path and query as the client sent them: what the upstream gets as its request target. */
  readonly originForm: string;
  /** Path alone: what the policy's path rules decide on. */
  readonly path: string;
  /** `host[:port]` as the URL parser spells it: the Host field the upstream gets. */
  readonly authority: string;
}

/**
 * `http://host[:port]/path?query` (or `ws://` for an upgrade). null when the request target is
 * origin-form, another scheme, carries userinfo or names no valid host. The host comes from the
 * URL parser; the path and query are the client's own bytes after the authority, unresolved.
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
  const afterScheme = url.indexOf('//') + 2;
  const end = url.slice(afterScheme).search(/[/?#\\]/);
  const rest = end < 0 ? '' : url.slice(afterScheme + end);
  // The URL parser reads `\` as `/` here; a server might not: such a target is refused, not guessed.
  if (rest.startsWith('\\')) return null;
  const origin = readOriginForm(rest.startsWith('/') ? rest : `/${rest}`);
  if (origin === null) return null;
  return { ...target, ...origin, authority: parsed.host };
}
