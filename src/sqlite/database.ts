/**
 * Opening a SQLite database the way every durable store of this project needs it: write-ahead
 * log, `synchronous = NORMAL` (a committed transaction survives a crash of the process — it is
 * in the WAL file before `commit` returns — and only an operating-system crash or power loss can
 * lose the last transactions), a busy timeout so a second connection waits instead of failing.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { installWriteGuard } from './write-guard.js';
import { DatabaseOptionsError } from './errors.js';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

/** Options of {@link openSqliteDatabase}. */
export interface OpenSqliteOptions {
  /** Milliseconds a statement waits for a lock held by another connection (SQLITE_BUSY after). Default 5000. */
  busyTimeoutMs?: number;
  /** Open read-only (the file must exist): for a reader beside the one writer. Default false. */
  readonly?: boolean;
  /**
   * Page size of a new database file, bytes (a power of two from 512 to 65536; SQLite's default
   * 4096). An existing file keeps the page size it was created with.
   */
  pageSize?: number;
  /**
   * Page cache of the connection, KiB. Default 65,536 (64 MiB) for a writer, 2,048 for a reader:
   * the receive path and the archive index stay hot.
   */
  cacheSizeKiB?: number;
  /**
   * Checkpoint the WAL into the database file when it exceeds this many pages (SQLite's default:
   * 1000, about 4 MB at 4 KiB pages). A checkpoint runs inside the commit that crosses the
   * threshold and syncs the database file, so it is most of a commit's cost at volume; a higher
   * threshold means a larger WAL and rarer but longer checkpoint pauses. 0 turns automatic
   * checkpoints off (then run `PRAGMA wal_checkpoint` yourself, e.g. from another connection).
   */
  walAutoCheckpointPages?: number;
  /**
   * `normal` (default): `synchronous = NORMAL` — a commit survives a crash of the process, the WAL
   * is synced only at checkpoints. `full`: `synchronous = FULL` (and `fullfsync`, which matters on
   * macOS only) — the WAL is synced at every commit, so a commit survives an OS crash or power loss
   * too ([SQLite, `PRAGMA synchronous`](https://www.sqlite.org/pragma.html#pragma_synchronous)).
   */
  synchronous?: 'normal' | 'full';
}

/**
 * Opens (creating it and its directory if needed) the SQLite file at `path` with WAL and
 * `synchronous = NORMAL`. `':memory:'` opens a private in-memory database (tests only: nothing
 * in it is durable).
 *
 * @example
 * const db = openSqliteDatabase('data/pipeline.sqlite');
 * const conversations = new SqliteConversationStore(db);
 */
export function openSqliteDatabase(path: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  const timeout = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000));
  const { pageSize, walAutoCheckpointPages: checkpointPages } = options;
  if (
    pageSize !== undefined &&
    !(Number.isInteger(pageSize) && pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0)
  ) {
    throw new DatabaseOptionsError(`pageSize must be a power of two from 512 to 65536, got ${String(pageSize)}.`);
  }
  if (checkpointPages !== undefined && !(Number.isInteger(checkpointPages) && checkpointPages >= 0)) {
    throw new DatabaseOptionsError(
      `walAutoCheckpointPages must be a whole number ≥ 0 (0: no automatic checkpoints), got ${String(checkpointPages)}.`,
    );
  }
  const cacheSizeKiB = options.cacheSizeKiB;
  if (cacheSizeKiB !== undefined && !(Number.isInteger(cacheSizeKiB) && cacheSizeKiB > 0)) {
    throw new DatabaseOptionsError(`cacheSizeKiB must be a whole number of KiB > 0, got ${String(cacheSizeKiB)}.`);
  }
  if (options.readonly) {
    const reader = new Database(path, { readonly: true, fileMustExist: true, timeout });
    reader.pragma(`cache_size = -${cacheSizeKiB ?? 2048}`);
    return reader;
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout });
  // Only a file without pages takes a new page size (before WAL mode is set).
  if (pageSize !== undefined) db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  if (options.synchronous === 'full') {
    db.pragma('synchronous = FULL');
    db.pragma('fullfsync = ON');
  } else db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  // Negative: KiB rather than pages.
  db.pragma(`cache_size = -${cacheSizeKiB ?? 65_536}`);
  if (checkpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${checkpointPages}`);
  installWriteGuard(db);
  return db;
}
