/**
 * Opening the local SQLite database the processing stores share: the project's one way of
 * opening SQLite (`openSqliteDatabase`: WAL, `synchronous = NORMAL`, busy timeout), plus the
 * WAL checkpoint threshold.
 */
import { openSqliteDatabase } from '../../queue/sqlite.js';
import type { SqliteDatabase } from '../../queue/sqlite.js';

export type { SqliteDatabase };

/**
 * Opens (creating if needed) a SQLite database for the processing stores.
 *
 * @example
 * const db = openProcessingDatabase('.genesys-pipeline/pipeline.db');
 * const conversations = new SqliteConversationStore(db);
 */
export function openProcessingDatabase(path: string, options: OpenProcessingDatabaseOptions = {}): SqliteDatabase {
  const db = openSqliteDatabase(path, { busyTimeoutMs: Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000)) });
  if (options.walAutoCheckpointPages !== undefined) {
    const pages = options.walAutoCheckpointPages;
    if (!Number.isInteger(pages) || pages < 0)
      throw new RangeError(
        `walAutoCheckpointPages must be a whole number ≥ 0 (0: no automatic checkpoints), got ${String(pages)}.`,
      );
    db.pragma(`wal_autocheckpoint = ${pages}`);
  }
  return db;
}

/** Options of {@link openProcessingDatabase}. */
export interface OpenProcessingDatabaseOptions {
  /** How long a writer waits for another connection's lock before failing with SQLITE_BUSY (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * Checkpoint the WAL into the database file when it exceeds this many pages (SQLite's default:
   * 1000, about 4 MB). A checkpoint runs inside the commit that crosses the threshold and syncs
   * the database file, so it is most of a commit's cost at volume: 10,000 cut the commit cost per
   * event by about 40 % in the `processing` benchmark, at the price of a larger WAL (about 40 MB)
   * and rarer but longer checkpoint pauses. 0 turns automatic checkpoints off (then run
   * `PRAGMA wal_checkpoint` yourself, e.g. from another connection).
   */
  walAutoCheckpointPages?: number;
}
