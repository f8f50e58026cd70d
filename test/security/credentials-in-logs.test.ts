import { beforeAll, describe, expect, it } from 'vitest';
import { parseRawResponse, rawExchange } from '../support/raw-exchange.js';
import { startHttpUpstream } from '../support/start-upstream.js';
import { useGate } from '../support/use-gate.js';

// Query strings carry credentials (Azure SAS `sig=`, OAuth `code=`): the decision log records the
// path without its query, and an unparsable target must not smuggle the query in as the "host".
const secret = 'S3CRETSIG';
let explicitPort: number;
let transparentPort: number;

const fx = useGate({ upstream: () => startHttpUpstream('plain') }, ({ upstream }) => ({
  transparentHttp: ['127.0.0.1:0'],
  connectTo: [`plain.example.test::127.0.0.1:${upstream.port}`],
}));

beforeAll(() => {
  explicitPort = fx.gate.addresses.listen.port;
  transparentPort = fx.gate.addresses.transparentHttp[0]?.port ?? 0;
});

async function adminText(path: string): Promise<string> {
  const reply = await rawExchange(
    fx.gate.addresses.admin?.port ?? 0,
    `GET ${path} HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n`,
  );
  return parseRawResponse(reply).body;
}

function expectNowhere(reply: Buffer, text: string): void {
  expect(reply.toString('latin1')).not.toContain(text);
  expect(JSON.stringify(fx.gate.lines)).not.toContain(text);
}

describe('credentials in request targets stay out of logs, metrics and answers', () => {
  it.each([
    [
      'explicit, port out of range',
      explicitPort,
      `GET http://plain.example.test:99999/x?sig=${secret} HTTP/1.1`,
    ],
    ['explicit, another scheme', explicitPort, `GET ftp://plain.example.test/x?code=${secret} HTTP/1.1`],
    [
      'explicit, a fragment',
      explicitPort,
      `GET http://plain.example.test:0/x#access_token=${secret} HTTP/1.1`,
    ],
    ['CONNECT', explicitPort, `CONNECT plain.example.test:443?sig=${secret} HTTP/1.1`],
  ])('an unparsable target (%s)', async (_what, _port, requestLine) => {
    const reply = await rawExchange(explicitPort, `${requestLine}\r\nConnection: close\r\n\r\n`);
    expect(parseRawResponse(reply).status).toBe(400);
    expectNowhere(reply, secret);
    expect(await adminText('/metrics')).not.toContain(secret);
    expect(await adminText('/denied')).not.toContain(secret);
  });

  it('an unparsable Host header on the transparent HTTP port', async () => {
    const reply = await rawExchange(
      transparentPort,
      `GET /allowed/ HTTP/1.1\r\nHost: plain.example.test/?sig=${secret}\r\nConnection: close\r\n\r\n`,
    );
    expect(parseRawResponse(reply).status).toBe(400);
    expect(reply.toString('latin1')).not.toContain(secret);
    expect(await adminText('/metrics')).not.toContain(secret);
  });

  it('an allowed request: the log has the path, never the query; the upstream gets both', async () => {
    const before = fx.gate.lines.length;
    const reply = await rawExchange(
      explicitPort,
      `GET http://plain.example.test/allowed/blob?sv=2024&sig=${secret} HTTP/1.1\r\nConnection: close\r\n\r\n`,
    );
    expect(parseRawResponse(reply).body).toContain(`/allowed/blob?sv=2024&sig=${secret}`);
    const line = await fx.gate.waitForLine((l) => l['msg'] === 'decision' && l['path'] === '/allowed/blob');
    expect(line['decision']).toBe('allow');
    expect(JSON.stringify(fx.gate.lines.slice(before))).not.toContain(secret);
  });

  it('Proxy-Authorization is neither logged nor forwarded', async () => {
    const credentials = Buffer.from(`arc:${secret}`).toString('base64');
    await rawExchange(
      explicitPort,
      `GET http://plain.example.test/allowed/auth HTTP/1.1\r\nProxy-Authorization: Basic ${credentials}\r\nConnection: close\r\n\r\n`,
    );
    expect(fx.upstream.lastHeaders()?.['proxy-authorization']).toBeUndefined();
    expect(JSON.stringify(fx.gate.lines)).not.toContain(credentials);
  });

  it('quotes and backslashes in a target cannot add Proxy-Status parameters or header lines', async () => {
    const reply = await rawExchange(
      transparentPort,
      'GET /allowed/ HTTP/1.1\r\nHost: a";error=none;x="\\\r\nConnection: close\r\n\r\n',
    );
    const res = parseRawResponse(reply);
    expect(res.status).toBe(400);
    expect(res.headers['proxy-status']).toMatch(
      /^egressgate; error=http_request_error; details="(?:[^"\\]|\\.)*"$/,
    );
    expect(Object.keys(res.headers)).not.toContain('x');
  });
});
