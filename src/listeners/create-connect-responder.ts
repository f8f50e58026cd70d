import type { Socket } from 'node:net';
import type { NativeRelay } from '../net/native-relay.js';
import { tunnel } from '../net/tunnel.js';
import { applyDenyStyle } from '../proxy/apply-deny-style.js';
import type { EgressResponder } from '../proxy/egress-responder.js';
import { createSniCheckedTunnel, type SniCheckOptions } from './create-sni-checked-tunnel.js';
import { describeDenial, describeDialFailure } from './describe-denial.js';
import { writeRawResponse } from './write-raw-response.js';

const established = Buffer.from('HTTP/1.1 200 Connection Established\r\n\r\n', 'latin1');

/** CONNECT: 403/400/5xx as raw responses, or `200 Connection Established` and a byte-exact tunnel. */
export function createConnectResponder(
  client: Socket,
  head: Buffer,
  idleMs: number,
  sniCheck?: Omit<SniCheckOptions, 'refuse' | 'idleMs'>,
  native?: NativeRelay | null,
): EgressResponder {
  return {
    deny(request, decision, style) {
      const answer = describeDenial(request, decision);
      const forbidden = (): void =>
        writeRawResponse(client, answer.status, answer.statusText, answer.body, answer.headers);
      // A target that is no target at all is a client bug: it always gets its 400.
      applyDenyStyle(client, decision.reason === 'invalid_target' ? 'forbidden' : style, forbidden, {
        holdMs: idleMs,
      });
    },
    dialFailed(request, code, message) {
      const answer = describeDialFailure(request, code, message);
      writeRawResponse(client, answer.status, answer.statusText, answer.body, answer.headers);
    },
    relay(request, connection, decideInner) {
      if (!client.destroyed) client.write(established);
      // Domain fronting hides another name in the hello; only port 443 is worth the first-chunk read.
      if (sniCheck !== undefined && request.port === 443) {
        return createSniCheckedTunnel(client, connection.socket, head, {
          ...sniCheck,
          idleMs,
          native,
          refuse: decideInner,
        });
      }
      return tunnel(client, connection.socket, { firstBytes: head, idleMs, native });
    },
  };
}
