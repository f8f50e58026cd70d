export type ListenerName = 'explicit' | 'transparent-tls' | 'transparent-http' | 'transparent-tcp';
/** `tcp`: a transparent-tcp connection that is neither TLS nor HTTP, decided on its original destination. */
export type RequestKind = 'connect' | 'http' | 'upgrade' | 'tls' | 'tcp';

export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

/**
 * What a listener learned from the client's first bytes. Listeners build this and hand it to
 * handleEgress; nothing downstream looks at raw protocol bytes again.
 */
export interface EgressRequest {
  readonly id: string;
  readonly listener: ListenerName;
  readonly kind: RequestKind;
  readonly client: SocketAddress;
  /** Requested name or IP literal, normalized (lower case, no trailing dot, punycode). */
  readonly host: string;
  readonly port: number;
  /** Plain HTTP only: the path is invisible inside TLS. */
  readonly path?: string;
  readonly sni?: string;
  readonly hostHeader?: string;
  readonly originalDst?: SocketAddress;
  readonly ech?: boolean;
  /** Proxy Basic-auth user, when the client sent one. */
  readonly user?: string;
}
