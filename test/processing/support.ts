/** Helpers of the processing tests. */
import { join } from 'node:path';
import { createProcessor, openSqliteDatabase, SqliteIdempotencyPersistenceLayer } from '../../src/processing/index.js';
import type { Sink } from '../../src/processing/index.js';
import { SqliteFailureCounter } from '../../src/processing/stores/sqlite-failure-counter.js';
import { MemoryDeadLetterStore } from '../workflow/support.js';

/**
 * A processor with `sinks` on a fresh SQLite file in `dir` (idempotency records and, with
 * `maxAttempts`, failure counts) and an in-memory dead-letter store.
 */
export function sqliteProcessor(dir: string, sinks: Sink[], maxAttempts?: number) {
  const db = openSqliteDatabase(join(dir, `${Math.random()}.db`));
  const deadLetters = new MemoryDeadLetterStore();
  const processor = createProcessor({
    persistenceStore: new SqliteIdempotencyPersistenceLayer(db),
    sinks,
    deadLetters,
    ...(maxAttempts !== undefined ? { failures: { counter: new SqliteFailureCounter(db), maxAttempts } } : {}),
  });
  return { processor, deadLetters };
}
