/**
 * A check run before every statement that writes, on one connection: the hook a commit scheduler
 * needs to notice at once that SQLite rolled its transaction back by itself.
 *
 * SQLite answers some errors inside a transaction (`SQLITE_FULL`, `SQLITE_IOERR`, `SQLITE_NOMEM`)
 * by rolling the whole transaction back. The statement that failed throws, but the connection is
 * then in autocommit mode, and the next write of *other* work — work whose earlier writes were in
 * the rolled-back transaction — would be committed on its own: a half of that work durable, the
 * other half gone (an idempotency record `COMPLETED` without the facts it stands for). The guard
 * runs before each such write and can throw to refuse it.
 *
 * Installed by `openSqliteDatabase` on every writing connection (statements prepared before the
 * guard is set are covered too); a statement that only reads is not wrapped.
 */
import type Database from 'better-sqlite3';

type Connection = Database.Database;

/** Statements that begin or end a transaction: the guard's owner runs them itself. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/**
 * The check: called with `'before'` before each write (it may throw to refuse it), and with
 * `'failed'` after a write threw (it should not throw: the statement's own error is rethrown).
 */
type WriteGuard = (moment: 'before' | 'failed') => void;

const guards = new WeakMap<Connection, WriteGuard>();

/** Sets (or with `undefined` removes) the check run around each write on `db`. */
export function setWriteGuard(db: Connection, guard: WriteGuard | undefined): void {
  if (guard) guards.set(db, guard);
  else guards.delete(db);
}

/**
 * Wraps `db.prepare` so that every statement that writes runs the connection's guard first, and
 * `db.transaction` so that a transaction function does too, before better-sqlite3 decides
 * between `BEGIN` (no transaction open: one of its own, committed at its end) and a savepoint.
 */
export function installWriteGuard(db: Connection): void {
  /** `call`, with the connection's guard before it and after it throws. */
  const wrap =
    (call: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const guard = guards.get(db);
      if (!guard) return call(...args);
      guard('before');
      try {
        return call(...args);
      } catch (error) {
        guard('failed');
        throw error;
      }
    };
  const transaction = db.transaction.bind(db) as Connection['transaction'];
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const tx = transaction(fn);
    return Object.assign(wrap(tx as never), {
      default: wrap(tx.default as never),
      deferred: wrap(tx.deferred as never),
      immediate: wrap(tx.immediate as never),
      exclusive: wrap(tx.exclusive as never),
    });
  }) as unknown as Connection['transaction'];
  const prepare = db.prepare.bind(db) as Connection['prepare'];
  const guarded = ((source: string) => {
    const stmt = prepare(source);
    if (stmt.readonly || TRANSACTION_CONTROL.test(source)) return stmt;
    for (const method of ['run', 'get', 'all', 'iterate'] as const)
      (stmt as unknown as Record<string, unknown>)[method] = wrap(
        stmt[method].bind(stmt) as (...args: unknown[]) => unknown,
      );
    return stmt;
  }) as Connection['prepare'];
  db.prepare = guarded;
}
