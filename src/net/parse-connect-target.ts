import { parseHostPort, type HostPort } from './parse-host-port.js';

/** The authority-form target of a CONNECT request: `host:port`, `[v6]:port`. null = invalid_target. */
export function parseConnectTarget(raw: string): HostPort | null {
  return parseHostPort(raw);
}
