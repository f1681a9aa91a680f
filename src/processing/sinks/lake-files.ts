/**
 * The data lake on one machine (`genesys-pipeline run --lake-dir DIR`): each new event as one
 * NDJSON line ({@link LakeRecord}) in `DIR/family=<family>/dt=<YYYY-MM-DD>/part-<run>-<n>.ndjson`
 * — the layout the construct's Firehose stream writes to S3, so the same queries (DuckDB, Spark,
 * `jq`) read both.
 *
 * **Durable before acknowledged**: `handle` returns only once the line is written and
 * `fdatasync`ed; only then may the processor store the event as processed. Concurrent events of
 * one partition share one write and one sync (group commit).
 *
 * **No duplicates**: the processor's idempotency already keeps processed events away from sinks,
 * but a sink sees an event again when a later sink fails transiently (the whole event is retried),
 * after a crash between the write and the idempotency record, or when a dead letter is redriven.
 * So the sink keeps an index of the keys it wrote, `DIR/_lake-index.sqlite`, and skips a key it
 * holds. The index is written after the file: a crash between the two leaves lines the index does
 * not know, and opening the sink indexes every file's tail beyond what the index covers (and cuts
 * a torn last line, which was never acknowledged). Delete the index with the part files, never
 * alone: without it, a re-run writes again the events the files hold. One runtime per lake
 * directory.
 *
 * Failures: a write that fails is undone (the file cut back to its last complete line) and the
 * event retried (`ENOSPC`, `EIO`, … are transient); a directory that became read-only
 * (`EACCES`, `EROFS`, `EPERM`) dead-letters the event for this sink, to redrive after the fix
 * (`dlq redrive --sink lake`).
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GenesysEvent } from '../../events/index.js';
import { openSqliteDatabase } from '../../sqlite/database.js';
import type { SqliteDatabase } from '../../sqlite/database.js';
import { LakeSinkError, PermanentProcessingError, TransientProcessingError } from '../errors.js';
import { lakeLine, lakePartition, lakePartitionPath, lakeRecord } from '../lake-record.js';
import type { Sink, SinkContext } from '../sink.js';

/** The lake sinks' name (both this one and the Firehose one): `dlq redrive --sink lake`. */
export const LAKE_SINK_NAME = 'lake';

/** The key index's file name in the lake directory (the leading `_` keeps it out of Hive's and Athena's listings). */
export const LAKE_INDEX_FILE = '_lake-index.sqlite';

/** Options of {@link LakeFileSink.open}. */
export interface LakeFileSinkOptions {
  /** The lake directory (created if missing). */
  dir: string;
  /** A part file is closed and the next one started beyond this size (default 128 MiB). */
  maxPartFileBytes?: number;
  /** Partitions with an open file at once; the least recently written is closed beyond it (default 32). */
  maxOpenPartitions?: number;
  /** The clock for `processed_time` (default `Date.now`). */
  now?: () => number;
}

const DEFAULT_MAX_PART_FILE_BYTES = 128 * 1024 * 1024;
const PART_FILE = /^part-.+\.ndjson$/;
/** Errors of a directory we may no longer write: retrying does not help, a fix and a redrive do. */
const PERMANENT_FS_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

interface PendingLine {
  key: string;
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** One partition's current part file and its queue of lines (group commit). */
interface PartitionWriter {
  dir: string;
  file?: { handle: FileHandle; path: string; size: number };
  sequence: number;
  pending: PendingLine[];
  flushing: boolean;
  /** Keys of lines written and synced whose index commit failed: committed with the next batch. */
  unindexed: string[];
}

/**
 * @example
 * const lake = await LakeFileSink.open({ dir: 'lake' });
 * const runtime = await startRuntime(options, { sinks: [lake] });
 * await runtime.stopped;
 * lake.close();
 */
export class LakeFileSink implements Sink {
  readonly name = LAKE_SINK_NAME;
  /** The lake directory, absolute. */
  readonly dir: string;
  readonly #db: SqliteDatabase;
  readonly #hasKey;
  readonly #commit;
  readonly #maxPartFileBytes: number;
  readonly #maxOpenPartitions: number;
  readonly #now: () => number;
  readonly #run: string;
  readonly #partitions = new Map<string, PartitionWriter>();
  readonly #inflight = new Map<string, Promise<void>>();
  /** Keys written whose index commit is still to come (see `#flush`). */
  readonly #unindexed = new Set<string>();
  #closed = false;

  private constructor(dir: string, db: SqliteDatabase, options: LakeFileSinkOptions) {
    this.dir = dir;
    this.#db = db;
    this.#maxPartFileBytes = options.maxPartFileBytes ?? DEFAULT_MAX_PART_FILE_BYTES;
    this.#maxOpenPartitions = options.maxOpenPartitions ?? 32;
    this.#now = options.now ?? Date.now;
    // Part files of this run: sortable by start time, distinct per process.
    this.#run = `${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}-${randomBytes(4).toString('hex')}`;
    const hasKey = db.prepare<[string], 1>('SELECT 1 FROM lake_keys WHERE key = ?').pluck();
    this.#hasKey = (key: string): boolean => hasKey.get(key) !== undefined;
    const insertKey = db.prepare('INSERT OR IGNORE INTO lake_keys (key) VALUES (?)');
    const setIndexed = db.prepare(
      'INSERT INTO lake_files (path, indexed_bytes) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET indexed_bytes = excluded.indexed_bytes',
    );
    this.#commit = db.transaction((path: string, size: number, keys: readonly string[]) => {
      for (const key of keys) insertKey.run(key);
      setIndexed.run(path, size);
    });
  }

  /**
   * Opens the lake directory: creates it, checks that it can be written, opens the key index and
   * indexes what earlier runs wrote beyond it (see the module comment).
   *
   * @throws LakeSinkError when the directory cannot be created or written, saying which and how to fix it.
   */
  static async open(options: LakeFileSinkOptions): Promise<LakeFileSink> {
    const dir = resolve(options.dir);
    const fail = (what: string, error: unknown): never => {
      const code = (error as NodeJS.ErrnoException)?.code;
      throw new LakeSinkError(
        `The lake directory ${dir} ${what}${code ? ` (${code})` : ''}: ${(error as Error)?.message ?? String(error)}. ` +
          'Give --lake-dir a directory this user can create and write, or fix its permissions.',
        { cause: error },
      );
    };
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      fail('cannot be created', error);
    }
    const probe = join(dir, `.write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      const fd = openSync(probe, 'wx');
      try {
        writeSync(fd, 'ok\n');
      } finally {
        closeSync(fd);
      }
      unlinkSync(probe);
    } catch (error) {
      fail('is not writable', error);
    }
    let db: SqliteDatabase | undefined;
    try {
      db = openSqliteDatabase(join(dir, LAKE_INDEX_FILE), { cacheSizeKiB: 8192 });
      db.exec(`
        CREATE TABLE IF NOT EXISTS lake_keys (key TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS lake_files (path TEXT PRIMARY KEY, indexed_bytes INTEGER NOT NULL) WITHOUT ROWID;
      `);
    } catch (error) {
      db?.close();
      fail(`has a key index (${LAKE_INDEX_FILE}) that cannot be opened`, error);
    }
    const sink = new LakeFileSink(dir, db!, options);
    try {
      sink.#recover();
    } catch (error) {
      db!.close();
      fail('holds part files that cannot be read or repaired', error);
    }
    return sink;
  }

  async handle(event: GenesysEvent, context: SinkContext): Promise<void> {
    if (this.#closed) throw new TransientProcessingError('The lake sink is closed (the runtime is stopping).');
    const key = event.key;
    // The same event in flight (a concurrent retry): the first write decides for both.
    const inflight = this.#inflight.get(key);
    if (inflight) return inflight;
    if (this.#unindexed.has(key) || this.#hasKey(key)) return;
    const record = lakeRecord(event, { messageId: context.messageId, processedAt: this.#now() });
    const partition = lakePartitionPath(lakePartition(record));
    const written = this.#append(partition, key, lakeLine(record)).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, written);
    return written;
  }

  /** Closes the open part files and the index (after the runtime has stopped). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const writer of this.#partitions.values()) void writer.file?.handle.close().catch(() => undefined);
    this.#partitions.clear();
    this.#db.close();
  }

  #append(partition: string, key: string, line: string): Promise<void> {
    let writer = this.#partitions.get(partition);
    if (writer) {
      // Most recently written last (the eviction order).
      this.#partitions.delete(partition);
    } else {
      writer = { dir: join(this.dir, partition), sequence: 0, pending: [], flushing: false, unindexed: [] };
    }
    this.#partitions.set(partition, writer);
    this.#evict();
    const w = writer;
    return new Promise<void>((resolve, reject) => {
      w.pending.push({ key, line, resolve, reject });
      if (!w.flushing) void this.#flush(w);
    });
  }

  /** Writes the partition's queued lines, one write and one sync per round, then indexes their keys. */
  async #flush(writer: PartitionWriter): Promise<void> {
    writer.flushing = true;
    while (writer.pending.length > 0) {
      const batch = writer.pending.splice(0);
      const data = Buffer.from(batch.map((p) => p.line).join(''), 'utf8');
      let file: PartitionWriter['file'];
      try {
        file = await this.#partFile(writer);
        try {
          await file.handle.write(data, 0, data.length, file.size);
          await file.handle.datasync();
        } catch (error) {
          // Undo a partial write: the next line must not follow a torn one.
          await file.handle.truncate(file.size).catch(() => undefined);
          throw error;
        }
        file.size += data.length;
        this.#commit(
          file.path,
          file.size,
          batch.map((p) => p.key),
        );
        for (const p of batch) p.resolve();
      } catch (error) {
        const failure = this.#failure(error, writer);
        for (const p of batch) p.reject(failure);
      }
    }
    writer.flushing = false;
  }

  /** The partition's current part file, opened (a new one beyond the size limit). */
  async #partFile(writer: PartitionWriter): Promise<NonNullable<PartitionWriter['file']>> {
    if (writer.file && writer.file.size < this.#maxPartFileBytes) return writer.file;
    if (writer.file) {
      await writer.file.handle.close();
      writer.file = undefined;
      writer.sequence++;
    }
    mkdirSync(writer.dir, { recursive: true });
    const path = join(writer.dir, `part-${this.#run}-${String(writer.sequence).padStart(4, '0')}.ndjson`);
    const handle = await open(path, 'a');
    const size = (await handle.stat()).size;
    writer.file = { handle, path, size };
    return writer.file;
  }

  #failure(error: unknown, writer: PartitionWriter): Error {
    const code = (error as NodeJS.ErrnoException)?.code;
    const message = `Writing to the lake partition ${writer.dir} failed: ${(error as Error)?.message ?? String(error)}`;
    if (code !== undefined && PERMANENT_FS_CODES.has(code))
      return new PermanentProcessingError(
        `${message}. Make the lake directory writable, then redrive: genesys-pipeline dlq redrive --sink ${LAKE_SINK_NAME}.`,
        { cause: error },
      );
    return new TransientProcessingError(`${message}; the event will be retried.`, { cause: error });
  }

  /** Closes the files of the least recently written partitions beyond the limit (idle ones only). */
  #evict(): void {
    if (this.#partitions.size <= this.#maxOpenPartitions) return;
    for (const [partition, writer] of this.#partitions) {
      if (this.#partitions.size <= this.#maxOpenPartitions) break;
      if (writer.flushing || writer.pending.length > 0 || writer.unindexed.length > 0) continue;
      void writer.file?.handle.close().catch(() => undefined);
      this.#partitions.delete(partition);
    }
  }

  /**
   * Indexes the lines earlier runs wrote beyond what the index covers (a crash between a write
   * and its index commit), cutting a torn last line first.
   */
  #recover(): void {
    const indexed = this.#db.prepare<[string], number>('SELECT indexed_bytes FROM lake_files WHERE path = ?').pluck();
    for (const family of subdirectories(this.dir, 'family=')) {
      for (const dt of subdirectories(family, 'dt=')) {
        for (const name of readdirSync(dt)) {
          if (!PART_FILE.test(name)) continue;
          const path = join(dt, name);
          const size = statSync(path).size;
          const from = Math.min(indexed.get(path) ?? 0, size);
          if (size === from) continue;
          const tail = readRange(path, from, size);
          const end = tail.lastIndexOf(0x0a) + 1;
          if (from + end < size) truncateSync(path, from + end);
          const keys: string[] = [];
          for (const line of tail.subarray(0, end).toString('utf8').split('\n')) {
            if (line === '') continue;
            const key = (JSON.parse(line) as { idempotency_key?: unknown }).idempotency_key;
            if (typeof key === 'string') keys.push(key);
          }
          this.#commit(path, from + end, keys);
        }
      }
    }
  }
}

function subdirectories(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith(prefix))
    .map((d) => join(dir, d.name));
}

function readRange(path: string, from: number, to: number): Buffer {
  const buffer = Buffer.alloc(to - from);
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  return buffer;
}
