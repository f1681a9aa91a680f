/**
 * Opening the local SQLite database the processing stores share (one file; WAL mode so readers
 * never block the writer; a busy timeout so several processes can share it).
 */
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';

export type { SqliteDatabase };

/**
 * Opens (creating if needed) a SQLite database for the processing stores.
 *
 * @example
 * const db = openProcessingDatabase('.genesys-pipeline/pipeline.db');
 * const conversations = new SqliteConversationStore(db);
 */
export function openProcessingDatabase(path: string, options: { busyTimeoutMs?: number } = {}): SqliteDatabase {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  return db;
}
