import { openTunnel, type Route } from './open-tunnel.js';

export interface RateResult {
  readonly completed: number;
  readonly errors: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Round trip per connection in ms: connect, tunnel set-up, 1-byte echo. Unsorted. */
  readonly latenciesMs: readonly number[];
  readonly firstError: string | null;
}

const PROBE = Buffer.from('e');

/**
 * `concurrency` loops, each: open a tunnel, echo one byte through it, close; until `durationMs` has
 * passed. Errors are counted, not fatal, so a proxy that sheds load shows it in the figures.
 */
export async function measureConnectRate(
  route: Route,
  hello: Buffer | null,
  concurrency: number,
  durationMs: number,
): Promise<RateResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  const loop = async (): Promise<void> => {
    while (process.hrtime.bigint() < deadline) {
      const t0 = process.hrtime.bigint();
      try {
        await echoOnce(route, hello);
        latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (err) {
        errors += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    completed: latenciesMs.length,
    errors,
    seconds,
    perSecond: latenciesMs.length / seconds,
    latenciesMs,
    firstError,
  };
}

async function echoOnce(route: Route, hello: Buffer | null): Promise<void> {
  const socket = await openTunnel(route, hello);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('data', () => resolve());
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed before the echo')));
      socket.write(PROBE);
    });
  } finally {
    socket.destroy();
  }
}
