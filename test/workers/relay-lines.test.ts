import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { relayLines } from '../../src/workers/relay-lines.js';

function relayInto(sink: string[]): PassThrough {
  const source = new PassThrough();
  relayLines(source, { write: (chunk) => sink.push(chunk.toString()) });
  return source;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('relayLines', () => {
  it('passes only whole lines, so two workers writing batches that end mid-line never tear a line', async () => {
    const written: string[] = [];
    const a = relayInto(written);
    const b = relayInto(written);
    // Batches as a worker's log writer cuts them: anywhere, including inside a line.
    a.write('{"w":"a","n":1}\n{"w":"a","n"');
    await tick();
    b.write('{"w":"b","n":1}\n{"w":"b",');
    await tick();
    a.write(':2}\n');
    await tick();
    b.write('"n":2}\n{"w":"b","n":3}\n');
    await tick();
    const text = written.join('');
    expect(written.every((chunk) => chunk.endsWith('\n'))).toBe(true);
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { w: 'a', n: 1 },
      { w: 'b', n: 1 },
      { w: 'a', n: 2 },
      { w: 'b', n: 2 },
      { w: 'b', n: 3 },
    ]);
  });

  it('keeps a multi-byte character split across two chunks intact', async () => {
    const written: string[] = [];
    const source = relayInto(written);
    const bytes = Buffer.from('{"host":"bücher.example"}\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of ü
    source.write(bytes.subarray(0, cut));
    source.write(bytes.subarray(cut));
    await tick();
    expect(written.join('')).toBe('{"host":"bücher.example"}\n');
  });

  it('ends a last line that has no newline when the worker exits mid-line', async () => {
    const written: string[] = [];
    const source = relayInto(written);
    source.end('{"last":true}\n{"cut":');
    await new Promise((resolve) => source.once('end', resolve));
    expect(written.join('')).toBe('{"last":true}\n{"cut":\n');
  });
});
