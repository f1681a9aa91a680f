/**
 * Opening a SQLite database the way every durable store of this project needs it: write-ahead
 * log, `synchronous = NORMAL` (a committed transaction survives a crash of the process — it is
 * in the WAL file before `commit` returns — and only an operating-system crash or power loss can
 * lose the last transactions), a busy timeout so a second connection waits instead of failing.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

/** Options of {@link openSqliteDatabase}. */
export interface OpenSqliteOptions {
  /** Milliseconds a statement waits for a lock held by another connection. Default 5000. */
  busyTimeoutMs?: number;
  /** Open read-only (the file must exist): for a reader beside the one writer. Default false. */
  readonly?: boolean;
  /**
   * Page size of a new database file, bytes (a power of two from 512 to 65536; SQLite's default
   * 4096). An existing file keeps the page size it was created with.
   */
  pageSize?: number;
}

/**
 * Opens (creating it and its directory if needed) the SQLite file at `path` with WAL and
 * `synchronous = NORMAL`. `':memory:'` opens a private in-memory database (tests only: nothing
 * in it is durable).
 *
 * @example
 * const db = openSqliteDatabase('data/pipeline.sqlite');
 */
export function openSqliteDatabase(path: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  if (options.readonly) {
    const reader = new Database(path, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 5000 });
    reader.pragma('cache_size = -2048');
    return reader;
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const pageSize = options.pageSize;
  if (
    pageSize !== undefined &&
    !(Number.isInteger(pageSize) && pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0)
  ) {
    throw new RangeError(`pageSize must be a power of two from 512 to 65536, got ${String(pageSize)}.`);
  }
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  // Only a file without pages takes a new page size (before WAL mode is set).
  if (pageSize !== undefined) db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  // 64 MiB of page cache (negative = KiB): the receive path and the archive index stay hot.
  db.pragma('cache_size = -65536');
  return db;
}
