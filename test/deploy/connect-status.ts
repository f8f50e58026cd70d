import { connect } from 'node:net';

/** Sends a CONNECT through the proxy on loopback and returns the response's status line. */
export function connectStatus(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`),
    );
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      data += d;
      const end = data.indexOf('\r\n');
      if (end === -1) return;
      socket.destroy();
      resolve(data.slice(0, end));
    });
    socket.on('error', reject);
    socket.on('close', () =>
      reject(new Error(`proxy closed without a status line: ${JSON.stringify(data)}`)),
    );
  });
}
