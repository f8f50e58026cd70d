/**
 * Runs inside the gateway namespace (spawned by transparent-tcp-netns.test.ts): one server per spec
 * in the JSON file named in argv[2]. `https` and `http` answer "hello from NAME URL"; `line` answers
 * the first line it reads with "NAME got LINE" and closes (an LDAP- or git-like client-first
 * protocol); `greeter` speaks first, "220 NAME ready", and says "221 bye" to whatever comes back
 * (an SMTP-like server-first protocol). Prints "ready" once all listen; runs until killed.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';

interface ServerSpec {
  readonly kind: 'https' | 'http' | 'line' | 'greeter';
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly certPem?: string;
  readonly keyPem?: string;
}

function answerHttp(name: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end(`hello from ${name} ${req.url ?? ''}`);
  };
}

function serveLine(name: string, socket: Socket): void {
  let text = '';
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const end = text.indexOf('\n');
    if (end >= 0 && !socket.writableEnded) socket.end(`${name} got ${text.slice(0, end)}\n`);
  });
}

function serveGreeting(name: string, socket: Socket): void {
  socket.on('error', () => socket.destroy());
  socket.write(`220 ${name} ready\r\n`);
  socket.on('data', () => {
    if (!socket.writableEnded) socket.end('221 bye\r\n');
  });
}

function build(spec: ServerSpec): Server {
  switch (spec.kind) {
    case 'https':
      return createHttpsServer({ cert: spec.certPem, key: spec.keyPem }, answerHttp(spec.name));
    case 'http':
      return createHttpServer(answerHttp(spec.name));
    case 'line':
      return createServer((socket) => serveLine(spec.name, socket));
    case 'greeter':
      return createServer((socket) => serveGreeting(spec.name, socket));
  }
}

const specs = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ServerSpec[];
await Promise.all(
  specs.map(
    (spec) =>
      new Promise<void>((resolve, reject) => {
        const server = build(spec);
        server.once('error', reject);
        server.listen(spec.port, spec.host, () => resolve());
      }),
  ),
);
process.stdout.write('ready\n');
