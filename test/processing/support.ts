/** Helpers for the sinks' tests: the real processor on a SQLite file of its own. */
import { join } from 'node:path';
import { createProcessor, openSqliteDatabase, SqliteIdempotencyPersistenceLayer } from '../../src/processing/index.js';
import type { Sink } from '../../src/processing/index.js';
import { SqliteFailureCounter } from '../../src/processing/stores/sqlite-failure-counter.js';
import { MemoryDeadLetterStore } from '../workflow/support.js';

/** A processor with `sinks`, counting failures (dead letter at `maxAttempts`), its idempotency records in a fresh file under `dir`. */
export function processorWithSinks(dir: string, sinks: Sink[], maxAttempts: number) {
  const db = openSqliteDatabase(join(dir, `idempotency-${Math.random()}.db`));
  const deadLetters = new MemoryDeadLetterStore();
  const processor = createProcessor({
    persistenceStore: new SqliteIdempotencyPersistenceLayer(db),
    sinks,
    deadLetters,
    failures: { counter: new SqliteFailureCounter(db), maxAttempts },
  });
  return { processor, deadLetters };
}
