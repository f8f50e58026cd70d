import { request } from 'node:http';

/** The admin /metrics text of a running egressgate. */
export function scrapeMetrics(adminPort: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: adminPort, path: '/metrics', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** One counter or gauge from /metrics text, summed over its series (0 when it has none). */
export function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

/** egressgate's own series from /metrics (no histogram buckets): evidence the run was counted. */
export function pickMetricLines(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('egressgate_') && !l.includes('_bucket'));
}
