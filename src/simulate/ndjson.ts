/**
 * Writes lines as NDJSON (one line per item, `\n`-terminated) to a stream, fast: lines are
 * encoded into 1 MiB chunks before each write, and the stream's back-pressure is honoured.
 * Optionally paced to a rate of lines per second.
 */
import type { Writable } from 'node:stream';
import { Pacer, systemClock } from './pacer.js';
import type { Clock } from './pacer.js';

/** Options of {@link writeNdjson}. */
export interface WriteNdjsonOptions {
  /** Lines per second; 0 (default) writes as fast as the stream takes them. */
  rate?: number;
  /** Clock for pacing (tests). */
  clock?: Clock;
  /** Called after each chunk with the lines written so far. */
  onProgress?: (lines: number) => void;
}

/** What {@link writeNdjson} wrote. */
export interface WriteNdjsonResult {
  lines: number;
  bytes: number;
  /** True when the reader went away (EPIPE, e.g. `| head`) before every line was written. */
  closedEarly: boolean;
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * Writes every line followed by `\n`.
 *
 * @example
 * await writeNdjson(generateEvents({ conversations: 1000 }), createWriteStream('events.ndjson'));
 */
export async function writeNdjson(
  lines: Iterable<string> | AsyncIterable<string>,
  out: Writable,
  options: WriteNdjsonOptions = {},
): Promise<WriteNdjsonResult> {
  const clock = options.clock ?? systemClock;
  const pacer = new Pacer(options.rate ?? 0, clock);
  let failure: Error | undefined;
  let closedEarly = false;
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closedEarly = true;
    else failure = error;
  };
  out.on('error', onError);

  // Lines are encoded straight into a chunk buffer (no joined string in between); a full chunk
  // is handed to the stream and a fresh one started, since the stream keeps the buffer until written.
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  let count = 0;
  let bytes = 0;

  const flush = async (): Promise<void> => {
    if (used === 0) return;
    let full: Buffer;
    if (used < CHUNK_BYTES / 4) {
      // A small flush (paced output): copy it out and keep the chunk.
      full = Buffer.from(chunk.subarray(0, used));
    } else {
      full = chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    }
    used = 0;
    bytes += full.length;
    if (!out.write(full)) await drained(out, () => failure !== undefined || closedEarly);
    options.onProgress?.(count);
  };

  /** Appends one line and its newline; a line longer than a chunk is written on its own. */
  const append = async (line: string): Promise<void> => {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (used + line.length * 3 + 1 > CHUNK_BYTES) {
      await flush();
      if (line.length * 3 + 1 > CHUNK_BYTES) {
        const big = Buffer.from(`${line}\n`, 'utf8');
        bytes += big.length;
        if (!out.write(big)) await drained(out, () => failure !== undefined || closedEarly);
        return;
      }
    }
    used += chunk.write(line, used, 'utf8');
    chunk[used++] = 0x0a;
  };

  try {
    // A sync iterable is read without a promise per line; an async one is awaited.
    const syncLines = Symbol.iterator in lines ? lines[Symbol.iterator]() : undefined;
    const asyncLines = syncLines ? undefined : (lines as AsyncIterable<string>)[Symbol.asyncIterator]();
    for (;;) {
      const next = syncLines ? syncLines.next() : await asyncLines!.next();
      if (next.done) break;
      const line = next.value;
      if (failure) throw failure;
      if (closedEarly) break;
      if (!pacer.unpaced) {
        const wait = pacer.next();
        if (wait >= 1) {
          await flush();
          await clock.sleep(wait);
        }
      }
      count += 1;
      if (used + line.length * 3 + 1 > CHUNK_BYTES) await append(line);
      else {
        used += chunk.write(line, used, 'utf8');
        chunk[used++] = 0x0a;
      }
      if (!pacer.unpaced) await flush();
    }
    if (!closedEarly) await flush();
    if (failure) throw failure;
  } finally {
    out.off('error', onError);
  }
  return { lines: count, bytes, closedEarly };
}

/** Resolves when the stream drains, or fails / closes (checked by `stop`). */
function drained(out: Writable, stop: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (stop()) return resolve();
    const done = () => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}
