/**
 * Runs inside the gateway namespace (spawned by transparent-netns.test.ts): HTTPS servers that
 * answer "hello from NAME", with certificates the parent made. Reads a JSON spec file named in
 * argv[2]; prints "ready" once every server listens, and runs until killed.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

interface UpstreamSpec {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly certPem: string;
  readonly keyPem: string;
}

const specs = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as UpstreamSpec[];
await Promise.all(
  specs.map(
    (spec) =>
      new Promise<void>((resolve, reject) => {
        const server = createServer({ cert: spec.certPem, key: spec.keyPem }, (req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
          res.end(`hello from ${spec.name} ${req.url}`);
        });
        server.once('error', reject);
        server.listen(spec.port, spec.host, () => resolve());
      }),
  ),
);
process.stdout.write('ready\n');
