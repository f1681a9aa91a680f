/** The project's one way of opening SQLite (WAL, `synchronous = NORMAL`, busy timeout), for every store. */
export { openSqliteDatabase } from './database.js';
export type { OpenSqliteOptions, SqliteDatabase } from './database.js';
export { setWriteGuard } from './write-guard.js';
export { DatabaseError, DatabaseOptionsError } from './errors.js';
export { quickCheck } from './integrity.js';
