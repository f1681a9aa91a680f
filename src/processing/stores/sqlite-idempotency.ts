/**
 * A Powertools idempotency persistence layer on SQLite, for the local runtime.
 *
 * It follows `DynamoDBPersistenceLayer` (of `@aws-lambda-powertools/idempotency`) step by step:
 *
 * - `_putRecord` inserts the record unless one exists that is neither expired (`expiration`,
 *   epoch seconds, < now) nor an in-progress record whose `in_progress_expiration` (epoch ms)
 *   has passed — the same condition as the DynamoDB conditional put, done atomically by one
 *   `INSERT … ON CONFLICT DO UPDATE … WHERE`. On conflict it throws
 *   `IdempotencyItemAlreadyExistsError` carrying the existing record;
 * - `_getRecord` throws `IdempotencyItemNotFoundError` when there is none;
 * - `_updateRecord` sets status, expiration, the response data and (with payload validation)
 *   the validation hash; `_deleteRecord` deletes.
 *
 * DynamoDB's TTL deletes expired records some time after they expire; {@link purgeExpired} does
 * the same here. Correctness never depends on it: an expired record is overwritten by the put.
 */
import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { IdempotencyRecordStatusValue } from '@aws-lambda-powertools/idempotency/types';
import type { SqliteDatabase } from './sqlite.js';

interface Row {
  id: string;
  status: string;
  expiration: number | null;
  in_progress_expiration: number | null;
  data: string | null;
  validation: string | null;
}

/**
 * Powertools `BasePersistenceLayer` on SQLite (table `idempotency`).
 *
 * @example
 * const persistenceStore = new SqliteIdempotencyPersistenceLayer(openProcessingDatabase('pipeline.db'));
 * const process = makeIdempotent(handle, { persistenceStore, config: new IdempotencyConfig({ eventKeyJmesPath: 'key' }) });
 */
export class SqliteIdempotencyPersistenceLayer extends BasePersistenceLayer {
  readonly #db: SqliteDatabase;
  readonly #statements: ReturnType<typeof prepare>;

  constructor(db: SqliteDatabase) {
    super();
    this.#db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS idempotency (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        expiration REAL,
        in_progress_expiration REAL,
        data TEXT,
        validation TEXT
      );
    `);
    this.#statements = prepare(db);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const now = Date.now();
    const result = this.#statements.put.run({
      id: record.idempotencyKey,
      status: record.getStatus(),
      expiration: record.expiryTimestamp ?? null,
      inProgressExpiration: record.inProgressExpiryTimestamp ?? null,
      validation: this.isPayloadValidationEnabled() && record.payloadHash !== undefined ? record.payloadHash : null,
      nowSeconds: now / 1000,
      nowMillis: now,
      inProgress: 'INPROGRESS',
    });
    if (result.changes === 0) {
      const existing = this.#statements.get.get(record.idempotencyKey) as Row | undefined;
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        existing ? toRecord(existing) : undefined,
      );
    }
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const row = this.#statements.get.get(idempotencyKey) as Row | undefined;
    if (!row) throw new IdempotencyItemNotFoundError();
    return toRecord(row);
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.#statements.update.run({
      id: record.idempotencyKey,
      status: record.getStatus(),
      expiration: record.expiryTimestamp ?? null,
      data: record.responseData === undefined ? null : JSON.stringify(record.responseData),
      setValidation: this.isPayloadValidationEnabled() ? 1 : 0,
      validation: record.payloadHash ?? null,
    });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.#statements.delete.run(record.idempotencyKey);
  }

  /** Deletes records expired before `now` (what DynamoDB TTL does on AWS). Returns how many. */
  purgeExpired(now: Date = new Date()): number {
    return this.#statements.purge.run(now.getTime() / 1000).changes;
  }

  /** Number of records by status (`COMPLETED`, `INPROGRESS`), expired ones included until purged. */
  countByStatus(): Record<string, number> {
    const rows = this.#db.prepare('SELECT status, COUNT(*) AS n FROM idempotency GROUP BY status').all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}

function prepare(db: SqliteDatabase) {
  return {
    put: db.prepare(`
      INSERT INTO idempotency (id, status, expiration, in_progress_expiration, data, validation)
      VALUES (@id, @status, @expiration, @inProgressExpiration, NULL, @validation)
      ON CONFLICT (id) DO UPDATE SET
        status = excluded.status,
        expiration = excluded.expiration,
        in_progress_expiration = excluded.in_progress_expiration,
        data = NULL,
        validation = excluded.validation
      WHERE idempotency.expiration < @nowSeconds
         OR (idempotency.status = @inProgress AND idempotency.in_progress_expiration IS NOT NULL AND idempotency.in_progress_expiration < @nowMillis)
    `),
    get: db.prepare('SELECT id, status, expiration, in_progress_expiration, data, validation FROM idempotency WHERE id = ?'),
    update: db.prepare(`
      UPDATE idempotency SET status = @status, expiration = @expiration, data = COALESCE(@data, data),
        validation = CASE WHEN @setValidation = 1 THEN @validation ELSE validation END
      WHERE id = @id
    `),
    delete: db.prepare('DELETE FROM idempotency WHERE id = ?'),
    purge: db.prepare('DELETE FROM idempotency WHERE expiration < ?'),
  };
}

function toRecord(row: Row): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey: row.id,
    status: row.status as IdempotencyRecordStatusValue,
    expiryTimestamp: row.expiration ?? undefined,
    inProgressExpiryTimestamp: row.in_progress_expiration ?? undefined,
    responseData: row.data === null ? undefined : (JSON.parse(row.data) as IdempotencyRecord['responseData']),
    payloadHash: row.validation ?? undefined,
  });
}
