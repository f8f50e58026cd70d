import type { ListenerName } from '../../src/egress-request.js';
import { buildClientHello } from '../net/client-hello-builder.js';
import { runCommand } from '../support/run-command.js';
import type { TestApp } from '../support/start-test-app.js';

/** What a test needs to reach one listener with a real client (curl). */
export interface ListenerDriver {
  readonly name: ListenerName;
  readonly kind: 'connect' | 'tls' | 'http';
  /** The name the policy allows on this listener, and one it does not. */
  readonly allowedHost: string;
  readonly deniedHost: string;
  /** Runs curl against an allowed target; resolves with the response body. */
  sendAllowed(gate: TestApp, caFile: string, path?: string): Promise<string>;
  /** Runs curl against a denied target; resolves with how the client saw the refusal. */
  sendDenied(gate: TestApp, caFile: string): Promise<string>;
  /** The port and the first bytes a client sends for `host` (for answers checked byte by byte). */
  rawRequest(gate: TestApp, host: string): RawRequest;
  /** The same with a target this listener cannot parse (invalid_target). */
  invalidRequest(gate: TestApp): RawRequest;
}

export interface RawRequest {
  readonly port: number;
  readonly bytes: Buffer;
}

/** A name with a character no host name has: a listener cannot decide on it (invalid_target). */
export const invalidHost = 'exa%mple.test';

const connectBytes = (host: string): Buffer =>
  Buffer.from(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`);
const helloBytes = (host: string): Buffer => buildClientHello({ sni: host });

const explicit: ListenerDriver = {
  name: 'explicit',
  kind: 'connect',
  allowedHost: 'allowed.example.test',
  deniedHost: 'denied.example.test',
  async sendAllowed(gate, caFile, path = '/') {
    const proxy = `http://127.0.0.1:${gate.addresses.listen.port}`;
    return (
      await runCommand('curl', [
        '-sS',
        '-x',
        proxy,
        '--cacert',
        caFile,
        `https://allowed.example.test${path}`,
      ])
    ).stdout;
  },
  async sendDenied(gate, caFile) {
    const proxy = `http://127.0.0.1:${gate.addresses.listen.port}`;
    const r = await runCommand('curl', [
      '-sS',
      '-x',
      proxy,
      '--cacert',
      caFile,
      'https://denied.example.test/',
    ]);
    return r.stderr;
  },
  rawRequest: (gate, host) => ({ port: gate.addresses.listen.port, bytes: connectBytes(host) }),
  invalidRequest: (gate) => ({ port: gate.addresses.listen.port, bytes: connectBytes(invalidHost) }),
};

function transparentTlsPort(gate: TestApp): number {
  const address = gate.addresses.transparentTls[0];
  if (address === undefined) throw new Error('no transparent TLS listener');
  return address.port;
}

function transparentHttpPort(gate: TestApp): number {
  const address = gate.addresses.transparentHttp[0];
  if (address === undefined) throw new Error('no transparent HTTP listener');
  return address.port;
}

// curl --connect-to stands in for the iptables REDIRECT: the client speaks to the listener as if
// it were the origin.
const transparentTls: ListenerDriver = {
  name: 'transparent-tls',
  kind: 'tls',
  allowedHost: 'allowed.example.test',
  deniedHost: 'denied.example.test',
  async sendAllowed(gate, caFile, path = '/') {
    const map = `allowed.example.test:443:127.0.0.1:${transparentTlsPort(gate)}`;
    return (
      await runCommand('curl', [
        '-sS',
        '--connect-to',
        map,
        '--cacert',
        caFile,
        `https://allowed.example.test${path}`,
      ])
    ).stdout;
  },
  async sendDenied(gate, caFile) {
    const map = `denied.example.test:443:127.0.0.1:${transparentTlsPort(gate)}`;
    return (
      await runCommand('curl', [
        '-sS',
        '--connect-to',
        map,
        '--cacert',
        caFile,
        'https://denied.example.test/',
      ])
    ).stderr;
  },
  rawRequest: (gate, host) => ({ port: transparentTlsPort(gate), bytes: helloBytes(host) }),
  invalidRequest: (gate) => ({ port: transparentTlsPort(gate), bytes: helloBytes(invalidHost) }),
};

const transparentHttp: ListenerDriver = {
  name: 'transparent-http',
  kind: 'http',
  allowedHost: 'plain.example.test',
  deniedHost: 'denied.example.test',
  async sendAllowed(gate, _caFile, path = '/') {
    const map = `plain.example.test:80:127.0.0.1:${transparentHttpPort(gate)}`;
    return (
      await runCommand('curl', ['-sS', '--connect-to', map, `http://plain.example.test/allowed${path}`])
    ).stdout;
  },
  async sendDenied(gate) {
    const map = `denied.example.test:80:127.0.0.1:${transparentHttpPort(gate)}`;
    return (
      await runCommand('curl', ['-sS', '-i', '--connect-to', map, 'http://denied.example.test/allowed/'])
    ).stdout;
  },
  rawRequest: (gate, host) => ({
    port: transparentHttpPort(gate),
    bytes: Buffer.from(`GET /allowed/raw HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
  }),
  // HTTP/1.0 without a Host header: nothing names the destination.
  invalidRequest: (gate) => ({
    port: transparentHttpPort(gate),
    bytes: Buffer.from('GET /allowed/raw HTTP/1.0\r\n\r\n'),
  }),
};

function transparentTcpPort(gate: TestApp): number {
  const address = gate.addresses.transparentTcp[0];
  if (address === undefined) throw new Error('no transparent TCP listener');
  return address.port;
}

/** The original destination a transparent-tcp connection of the contract suite reports. */
export const contractOriginalDst = { address: '203.0.113.10', port: 443 } as const;

// The TLS client of the transparent TLS driver, aimed at the any-protocol listener: the suite's
// readOriginalDestination plays the REDIRECT and reports contractOriginalDst.
const transparentTcp: ListenerDriver = {
  ...transparentTls,
  name: 'transparent-tcp',
  async sendAllowed(gate, caFile, path = '/') {
    const map = `allowed.example.test:443:127.0.0.1:${transparentTcpPort(gate)}`;
    const args = ['-sS', '--connect-to', map, '--cacert', caFile, `https://allowed.example.test${path}`];
    return (await runCommand('curl', args)).stdout;
  },
  async sendDenied(gate, caFile) {
    const map = `denied.example.test:443:127.0.0.1:${transparentTcpPort(gate)}`;
    const args = ['-sS', '--connect-to', map, '--cacert', caFile, 'https://denied.example.test/'];
    return (await runCommand('curl', args)).stderr;
  },
  rawRequest: (gate, host) => ({ port: transparentTcpPort(gate), bytes: helloBytes(host) }),
  invalidRequest: (gate) => ({ port: transparentTcpPort(gate), bytes: helloBytes(invalidHost) }),
};

export const listenerDrivers: readonly ListenerDriver[] = [
  explicit,
  transparentTls,
  transparentHttp,
  transparentTcp,
];
