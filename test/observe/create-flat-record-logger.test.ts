import { describe, expect, it } from 'vitest';
import { captureLog } from './capture-log.js';
import { createFlatRecordLogger } from '../../src/observe/create-logger.js';

describe('createFlatRecordLogger', () => {
  it('writes a flat record exactly as the parent logger does, credentials redacted', () => {
    const { logger, lines } = captureLog();
    const record = {
      event: 'close',
      conn: 'ab12-1',
      host: 'alice:s3cret@example.com',
      hostHeader: 'http://bob:pw@example.com/',
      password: 'hunter2',
      proxyAuthorization: 'Basic YWxpY2U6czNjcmV0',
      authorization: 'Bearer token',
      port: 443,
      group: null,
      ech: false,
    };
    logger.info(record, 'close');
    createFlatRecordLogger(logger).info(record, 'close');
    expect(lines).toHaveLength(2);
    const [parent, flat] = lines.map(({ time: _time, ...rest }) => rest);
    expect(flat).toEqual(parent);
    expect(Object.keys(flat!)).toEqual(Object.keys(parent!));
    expect(flat!['password']).toBe('[REDACTED]');
    expect(flat!['proxyAuthorization']).toBe('[REDACTED]');
    expect(flat!['authorization']).toBe('[REDACTED]');
    expect(flat!['host']).toBe('[REDACTED]@example.com');
    expect(JSON.stringify(flat)).not.toMatch(/s3cret|hunter2|YWxpY2U6czNjcmV0|Bearer|:pw@/);
  });

  it('follows the parent level', () => {
    const { logger, lines } = captureLog('warn');
    const flat = createFlatRecordLogger(logger);
    flat.info({ event: 'decision' }, 'decision');
    flat.warn({ event: 'decision' }, 'decision');
    expect(lines.map((l) => l['level'])).toEqual(['warn']);
  });
});
