/** The failure counter in SQLite: table `failure_counts`, one row per event key. */
import { FAILURE_COUNT_EXPIRES_AFTER_SECONDS } from '../failure-counter.js';
import type { FailureCounter } from '../failure-counter.js';
import type { SqliteDatabase } from '../../sqlite/index.js';

/**
 * {@link FailureCounter} on SQLite. Rows whose `expires_at` (epoch seconds) has passed count as
 * absent and are replaced on the next failure.
 *
 * @example
 * const failures = new SqliteFailureCounter(openSqliteDatabase('processing.sqlite'));
 * await failures.increment(event.key); // → 1
 */
export class SqliteFailureCounter implements FailureCounter {
  readonly #increment: (key: string, now: number, expiresAt: number) => number;
  readonly #reset: (key: string) => void;
  readonly #expiresAfterSeconds: number;

  constructor(db: SqliteDatabase, options: { expiresAfterSeconds?: number } = {}) {
    this.#expiresAfterSeconds = options.expiresAfterSeconds ?? FAILURE_COUNT_EXPIRES_AFTER_SECONDS;
    db.exec(`
      CREATE TABLE IF NOT EXISTS failure_counts (
        event_key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `);
    const upsert = db
      .prepare(
        'INSERT INTO failure_counts (event_key, failures, expires_at) VALUES (?, 1, ?) ' +
          'ON CONFLICT (event_key) DO UPDATE SET ' +
          'failures = CASE WHEN failure_counts.expires_at > ? THEN failure_counts.failures + 1 ELSE 1 END, ' +
          'expires_at = excluded.expires_at RETURNING failures',
      )
      .pluck();
    const remove = db.prepare('DELETE FROM failure_counts WHERE event_key = ?');
    this.#increment = (key, now, expiresAt) => upsert.get(key, expiresAt, now) as number;
    this.#reset = (key) => void remove.run(key);
  }

  async increment(key: string): Promise<number> {
    const now = Math.floor(Date.now() / 1000);
    return this.#increment(key, now, now + this.#expiresAfterSeconds);
  }

  async reset(key: string): Promise<void> {
    this.#reset(key);
  }
}
