/** Writing NDJSON: chunking, back-pressure, pacing (virtual clock), a reader that goes away. */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateEvents, writeNdjson } from '../../src/simulate/index.js';
import { Pacer } from '../../src/simulate/pacer.js';
import type { Clock } from '../../src/simulate/pacer.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-ndjson-');

function virtualClock(): Clock & { slept: number } {
  let now = 0;
  const clock = { slept: 0, now: () => now, sleep: async (ms: number) => void ((now += ms), (clock.slept += ms)) };
  return clock;
}

describe('writeNdjson', () => {
  it('writes each line followed by a newline, to a real file, and counts lines and bytes', async () => {
    const lines = [...generateEvents({ conversations: 300, seed: 4 })];
    const file = join(dir, 'events.ndjson');
    const out = createWriteStream(file);
    const result = await writeNdjson(lines, out);
    await new Promise<void>((resolve) => out.end(resolve));
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(`${lines.join('\n')}\n`);
    expect(result).toEqual({ lines: lines.length, bytes: Buffer.byteLength(text), closedEarly: false });
  });

  it('honours back-pressure of a slow stream and keeps the order', async () => {
    const received: string[] = [];
    let writes = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        writes += 1;
        received.push(chunk.toString('utf8'));
        setTimeout(callback, 1);
      },
    });
    const lines = Array.from({ length: 30_000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(100)}"}`);
    const result = await writeNdjson(lines, slow);
    expect(result.lines).toBe(30_000);
    expect(received.join('')).toBe(`${lines.join('\n')}\n`);
    expect(writes).toBeGreaterThan(1);
  });

  it('encodes non-ASCII text as UTF-8 and writes lines longer than a chunk whole', async () => {
    const received: Buffer[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => void (received.push(Buffer.from(c)), cb()) });
    const lines = [
      '{"name":"Zoë Łukasz 東京"}',
      `{"big":"${'é'.repeat(400_000)}"}`,
      ...Array.from({ length: 3000 }, (_, i) => `{"i":${i},"s":"ß${'x'.repeat(300)}"}`),
      '{"end":"✓"}',
    ];
    const result = await writeNdjson(lines, sink);
    const text = Buffer.concat(received).toString('utf8');
    expect(text).toBe(`${lines.join('\n')}\n`);
    expect(result.bytes).toBe(Buffer.byteLength(text));
  });

  it('reads async iterables too (e.g. a file being read)', async () => {
    const file = join(dir, 'in.ndjson');
    const out = createWriteStream(file);
    await writeNdjson(['{"a":1}', '{"b":2}'], out);
    await new Promise<void>((resolve) => out.end(resolve));
    async function* read() {
      for await (const chunk of createReadStream(file, 'utf8')) yield* (chunk as string).trim().split('\n');
    }
    const received: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => void (received.push(c.toString()), cb()) });
    expect((await writeNdjson(read(), sink)).lines).toBe(2);
    expect(received.join('')).toBe('{"a":1}\n{"b":2}\n');
  });

  it('paces lines to the rate (virtual clock)', async () => {
    const clock = virtualClock();
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const result = await writeNdjson(
      Array.from({ length: 101 }, (_, i) => String(i)),
      sink,
      { rate: 100, clock },
    );
    expect(result.lines).toBe(101);
    // 101 lines at 100/s: the last is due 1 s after the first.
    expect(clock.slept).toBeGreaterThanOrEqual(999);
    expect(clock.slept).toBeLessThanOrEqual(1000);
  });

  it('stops quietly when the reader goes away (EPIPE), and fails on other write errors', async () => {
    let calls = 0;
    const closing = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, callback) {
        calls += 1;
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const lines = generateEvents({ conversations: 2000, seed: 1 });
    const result = await writeNdjson(lines, closing);
    expect(result.closedEarly).toBe(true);
    expect(calls).toBe(1);
    const failing = new Writable({
      write: (_c, _e, cb) => cb(Object.assign(new Error('disk full'), { code: 'ENOSPC' })),
    });
    await expect(
      writeNdjson(
        Array.from({ length: 100_000 }, () => 'x'.repeat(100)),
        failing,
      ),
    ).rejects.toThrow('disk full');
  });
});

describe('Pacer', () => {
  it('lets the first item through at once and item k at k / rate', () => {
    const clock = virtualClock();
    const pacer = new Pacer(4, clock);
    expect(pacer.next()).toBe(0);
    expect(pacer.next()).toBe(250);
    expect(pacer.next()).toBe(500);
    expect(new Pacer(0, clock).unpaced).toBe(true);
    expect(() => new Pacer(-1)).toThrow(RangeError);
  });
});
