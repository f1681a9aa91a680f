/**
 * Typed errors of the SQLite opener. (SQLite's own failures — a full disk, a locked file — are
 * better-sqlite3's `SqliteError`, with SQLite's result code in `code`.)
 */

/** Base class: anything this module throws on purpose. */
export class DatabaseError extends Error {
  override readonly name: string = 'DatabaseError';
}

/** An option of `openSqliteDatabase` is out of range (page size, checkpoint pages, cache size). */
export class DatabaseOptionsError extends DatabaseError {
  override readonly name = 'DatabaseOptionsError';
}
