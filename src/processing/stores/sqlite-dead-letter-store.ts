/** The dead-letter store in SQLite: table `dead_letters`, one row per entry id (JSON). */
import type { DeadLetterEntry, DeadLetterStore } from './dead-letter.js';
import type { SqliteDatabase } from '../../sqlite/index.js';

/**
 * {@link DeadLetterStore} on SQLite.
 *
 * @example
 * const deadLetters = new SqliteDeadLetterStore(openSqliteDatabase('pipeline.db'));
 * for (const entry of await deadLetters.list()) console.log(entry.id, entry.reason);
 */
export class SqliteDeadLetterStore implements DeadLetterStore {
  readonly #put: (entry: DeadLetterEntry) => void;
  readonly #list: (limit: number) => DeadLetterEntry[];

  constructor(db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS dead_letters (
        id TEXT PRIMARY KEY,
        stage TEXT NOT NULL,
        reason TEXT NOT NULL,
        dead_lettered_at TEXT NOT NULL,
        entry TEXT NOT NULL
      );
    `);
    const upsert = db.prepare(
      'INSERT INTO dead_letters (id, stage, reason, dead_lettered_at, entry) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, reason = excluded.reason, dead_lettered_at = excluded.dead_lettered_at, entry = excluded.entry',
    );
    const list = db.prepare('SELECT entry FROM dead_letters ORDER BY dead_lettered_at, id LIMIT ?').pluck();
    this.#put = (entry) =>
      void upsert.run(entry.id, entry.stage, entry.reason, entry.deadLetteredAt, JSON.stringify(entry));
    this.#list = (limit) => (list.all(limit) as string[]).map((text) => JSON.parse(text) as DeadLetterEntry);
  }

  async put(entry: DeadLetterEntry): Promise<void> {
    this.#put(entry);
  }

  async list(options: { limit?: number } = {}): Promise<DeadLetterEntry[]> {
    return this.#list(options.limit ?? 1000);
  }
}
