import { describe, expect, it } from 'vitest';
import { captureLog } from './capture-log.js';
import { createLogger, isLogLevel } from '../../src/observe/create-logger.js';

describe('createLogger', () => {
  it('writes JSON lines with a level label and redacts credentials', () => {
    const { logger, lines } = captureLog();
    logger.info(
      {
        headers: { 'proxy-authorization': 'Basic YWxpY2U6czNjcmV0', host: 'example.com' },
        upstreamProxy: 'http://alice:s3cret@parent:3128',
        password: 'hunter2',
      },
      'hello',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line['level']).toBe('info');
    expect(line['msg']).toBe('hello');
    expect(typeof line['time']).toBe('number');
    expect(line['headers']).toEqual({ 'proxy-authorization': '[REDACTED]', host: 'example.com' });
    expect(line['upstreamProxy']).toBe('http://[REDACTED]@parent:3128');
    expect(line['password']).toBe('[REDACTED]');
    expect(JSON.stringify(line)).not.toContain('s3cret');
    expect(JSON.stringify(line)).not.toContain('YWxpY2U6czNjcmV0');
  });

  it('honours the level', () => {
    const { logger, lines } = captureLog('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((l) => l['msg'])).toEqual(['loud']);
  });

  it('builds a pretty logger when asked (pino-pretty is installed here)', () => {
    const logger = createLogger({ level: 'silent', pretty: true });
    expect(logger.level).toBe('silent');
  });

  it('recognises log levels', () => {
    expect(isLogLevel('debug')).toBe(true);
    expect(isLogLevel('verbose')).toBe(false);
  });
});
