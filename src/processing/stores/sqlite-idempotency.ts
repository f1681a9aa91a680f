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
 *
 * With `inProgressInMemory` (the local runtime's processing side, the only writer of its
 * database while it holds the data directory's lock), in-progress records live in this object
 * instead of the table: the put checks the table and this object, and only the completed record
 * is written — one row write per event instead of an insert and an update. Nothing is lost by it:
 * a process that dies mid-event leaves its in-progress records to nobody, and the runtime deletes
 * those at start anyway. Two processes (or two layers) sharing a table must not use it: neither
 * would see the other's events in progress.
 *
 * Record ids: Powertools' (`<prefix>#<hash>`). With `recordIdsByEventTime`, when the payload
 * carries the event's `eventTime` (epoch ms, as the processor passes it for conversation events)
 * the id is `<prefix>#<eventTime, 15 digits>#<hash>` ({@link idempotencyRecordId}): a re-delivered
 * event has the same body, hence the same eventTime and the same id, but the ids of a live stream
 * then grow with time, so each insert lands at the end of the `idempotency` index instead of on a
 * random page — a random page per event is what made every commit write one more page per event
 * (the figures: docs/processing.md, "Performance", `recordIdsByEventTime`).
 */
import { hash } from 'node:crypto';
import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type {
  BasePersistenceLayerOptions,
  IdempotencyRecordStatusValue,
} from '@aws-lambda-powertools/idempotency/types';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import { IDEMPOTENCY_KEY_PREFIX } from '../processor.js';
import type { SqliteDatabase } from '../../sqlite/index.js';

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
 * const persistenceStore = new SqliteIdempotencyPersistenceLayer(openSqliteDatabase('pipeline.db'));
 * const process = makeIdempotent(handle, { persistenceStore, config: new IdempotencyConfig({ eventKeyJmesPath: 'key' }) });
 */
export class SqliteIdempotencyPersistenceLayer extends BasePersistenceLayer {
  readonly #statements: ReturnType<typeof prepare>;
  /** The event key's field when `eventKeyJmesPath` is a plain field name (else `null`); `undefined` until configured. */
  #keyField: string | null | undefined;
  #hashFunction = 'md5';
  /** The hashed key of each payload object, so that one event's put, update and delete hash it once (valid for the key prefix in `#hashedKeysPrefix`). */
  #hashedKeys = new WeakMap<object, string>();
  #hashedKeysPrefix: string | undefined;

  readonly #byEventTime: boolean;
  /**
   * In-progress records by id, with `inProgressInMemory` (else `undefined`: they are rows). Each in
   * a box emptied when it leaves: the map has an entry come and go for every event, V8 rebuilds
   * its table every few hundred of them, and a replaced table points at the entries it held until
   * the next full collection — an emptied box keeps no record alive into the old generation.
   */
  readonly #inProgress: Map<string, { record: IdempotencyRecord | undefined }> | undefined;

  /**
   * @param options.recordIdsByEventTime order record ids by the payload's `eventTime` (see the
   *   class description). Default `false`: Powertools' ids. Do not change it on a database that
   *   holds records of live events: an event re-sent after the change would not find its record.
   * @param options.inProgressInMemory keep in-progress records in this object, not in the table
   *   (see the class description). Only for a layer that is its table's only writer. Default `false`.
   */
  constructor(db: SqliteDatabase, options: { recordIdsByEventTime?: boolean; inProgressInMemory?: boolean } = {}) {
    super();
    this.#byEventTime = options.recordIdsByEventTime ?? false;
    this.#inProgress = options.inProgressInMemory ? new Map() : undefined;
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

  override configure(options: BasePersistenceLayerOptions): void {
    super.configure(options);
    // Powertools applies the first configuration only; mirror that.
    if (this.#keyField !== undefined) return;
    const path = options.config.eventKeyJmesPath;
    this.#keyField = /^[A-Za-z_][A-Za-z0-9_]*$/.test(path) ? path : null;
    this.#hashFunction = options.config.hashFunction;
  }

  /**
   * Powertools' key (`<prefix>#<base64 hash of JSON.stringify(deepSort(JMESPath result))>`),
   * clustered by event time (see the class description), without Powertools' per-call cost: it
   * hashes each event twice (in-progress put, then the completed update) and builds a new
   * JMESPath interpreter each time. Here a payload object is hashed once, and for a plain field
   * name selecting a non-empty string (our `eventKeyJmesPath: 'key'`) the field is read directly
   * — `deepSort` of a string is the string. Anything else goes to Powertools' implementation.
   */
  protected override getHashedIdempotencyKey(data: JSONValue): string {
    const prefix = this.idempotencyKeyPrefix;
    if (prefix !== this.#hashedKeysPrefix) {
      this.#hashedKeys = new WeakMap();
      this.#hashedKeysPrefix = prefix;
    }
    const memoizable = data !== null && typeof data === 'object' && !Array.isArray(data);
    if (memoizable) {
      const memo = this.#hashedKeys.get(data);
      if (memo !== undefined) return memo;
    }
    const payload = memoizable ? (data as Record<string, unknown>) : undefined;
    const field = this.#keyField;
    const value = field && payload && Object.hasOwn(payload, field) ? payload[field] : undefined;
    // `<prefix>#<hash>`, Powertools' key; for a plain field selecting a non-empty string, the hash of that string's JSON.
    const digest =
      typeof value === 'string' && value !== ''
        ? hash(this.#hashFunction, JSON.stringify(value), 'base64')
        : super.getHashedIdempotencyKey(data).slice(prefix.length + 1);
    const eventTime = payload?.eventTime;
    const key =
      this.#byEventTime && isEventTime(eventTime)
        ? `${prefix}#${timePart(eventTime)}#${digest}`
        : `${prefix}#${digest}`;
    if (memoizable) this.#hashedKeys.set(data, key);
    return key;
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const now = Date.now();
    const inProgress = this.#inProgress;
    if (inProgress && record.getStatus() === 'INPROGRESS') {
      // The same condition as the conditional insert below, over this object and the table.
      const key = record.idempotencyKey;
      const box = inProgress.get(key);
      const held = box?.record;
      const existing = held ?? (this.#statements.get.get(key) as Row | undefined);
      if (existing !== undefined) {
        const current = held ?? toRecord(existing as Row);
        const expired = current.expiryTimestamp !== undefined && current.expiryTimestamp < now / 1000;
        const abandoned =
          current.getStatus() === 'INPROGRESS' &&
          current.inProgressExpiryTimestamp !== undefined &&
          current.inProgressExpiryTimestamp < now;
        if (!expired && !abandoned)
          throw new IdempotencyItemAlreadyExistsError(
            `Failed to put record for already existing idempotency key: ${key}`,
            current,
          );
      }
      if (box) box.record = record;
      else inProgress.set(key, { record });
      return;
    }
    const result = this.#statements.put.run(
      record.idempotencyKey,
      record.getStatus(),
      record.expiryTimestamp ?? null,
      record.inProgressExpiryTimestamp ?? null,
      this.isPayloadValidationEnabled() && record.payloadHash !== undefined ? record.payloadHash : null,
      now / 1000,
      now,
    );
    if (result.changes === 0) {
      const existing = this.#statements.get.get(record.idempotencyKey) as Row | undefined;
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        existing ? toRecord(existing) : undefined,
      );
    }
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const held = this.#inProgress?.get(idempotencyKey)?.record;
    if (held) return held;
    const row = this.#statements.get.get(idempotencyKey) as Row | undefined;
    if (!row) throw new IdempotencyItemNotFoundError();
    return toRecord(row);
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const data = record.responseData === undefined ? null : JSON.stringify(record.responseData);
    const expiration = record.expiryTimestamp ?? null;
    const validation = this.isPayloadValidationEnabled() ? (record.payloadHash ?? null) : undefined;
    if (this.#releaseInProgress(record.idempotencyKey)) {
      // Its first row: written whole (over an expired or abandoned record, if the table has one).
      this.#statements.upsert.run(record.idempotencyKey, record.getStatus(), expiration, data, validation ?? null);
      return;
    }
    if (validation !== undefined)
      this.#statements.updateWithValidation.run(
        record.getStatus(),
        expiration,
        data,
        validation,
        record.idempotencyKey,
      );
    else this.#statements.update.run(record.getStatus(), expiration, data, record.idempotencyKey);
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.#releaseInProgress(record.idempotencyKey);
    this.#statements.delete.run(record.idempotencyKey);
  }

  /** Forgets the in-progress record `key` (emptying its box first); whether there was one. */
  #releaseInProgress(key: string): boolean {
    const inProgress = this.#inProgress;
    const box = inProgress?.get(key);
    if (box === undefined) return false;
    box.record = undefined;
    inProgress!.delete(key);
    return true;
  }

  /** Deletes records expired before `now` (what DynamoDB TTL does on AWS). Returns how many. */
  purgeExpired(now: Date = new Date()): number {
    return this.#statements.purge.run(now.getTime() / 1000).changes;
  }

  /** Number of records by status (`COMPLETED`, `INPROGRESS`), expired ones included until purged. */
  countByStatus(): Record<string, number> {
    const rows = this.#statements.countByStatus.all() as { status: string; n: number }[];
    const counts: Record<string, number> = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const held = this.#inProgress?.size ?? 0;
    if (held > 0) counts.INPROGRESS = (counts.INPROGRESS ?? 0) + held;
    return counts;
  }
}

const isEventTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const timePart = (eventTime: number): string => String(eventTime).padStart(15, '0');

/**
 * The id of the idempotency record the processor's SQLite layer writes for an event: Powertools'
 * `genesys-event#<base64 MD5 of the JSON event key>`, or with `recordIdsByEventTime` and a
 * conversation event's `eventTime`, `genesys-event#<eventTime, 15 digits>#<same hash>`.
 *
 * @example
 * const id = idempotencyRecordId(event.key, event.kind === 'conversation' ? event.eventTime : undefined, { recordIdsByEventTime: true });
 * db.prepare('SELECT status FROM idempotency WHERE id = ?').get(id);
 */
export function idempotencyRecordId(
  eventKey: string,
  eventTime: number | undefined,
  options: { recordIdsByEventTime?: boolean } = {},
): string {
  const digest = hash('md5', JSON.stringify(eventKey), 'base64');
  return options.recordIdsByEventTime && isEventTime(eventTime)
    ? `${IDEMPOTENCY_KEY_PREFIX}#${timePart(eventTime)}#${digest}`
    : `${IDEMPOTENCY_KEY_PREFIX}#${digest}`;
}

/** `processing_schema.component` recording which record ids a database's `idempotency` table holds. */
const RECORD_ID_SCHEME_COMPONENT = 'idempotency-record-ids';
/** `processing_schema.version` values of {@link RECORD_ID_SCHEME_COMPONENT}. */
const RECORD_ID_SCHEMES = { powertools: 1, byEventTime: 2 } as const;

/**
 * The record id scheme of a database, fixed the first time it is asked: a database whose
 * `idempotency` table already holds records without a recorded scheme was written with
 * Powertools' ids and keeps them (an event re-sent after a switch would not find its record and
 * would be processed again); any other takes `preferByEventTime`. The choice is stored in
 * `processing_schema` (component `idempotency-record-ids`), so every later run — and the `dlq` and
 * `replay` commands — uses the same ids. Returns whether ids are ordered by event time.
 *
 * @example
 * const byEventTime = resolveIdempotencyRecordIds(db, true);
 * const layer = new SqliteIdempotencyPersistenceLayer(db, { recordIdsByEventTime: byEventTime });
 */
export function resolveIdempotencyRecordIds(db: SqliteDatabase, preferByEventTime: boolean): boolean {
  return db
    .transaction(() => {
      db.exec('CREATE TABLE IF NOT EXISTS processing_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
      const stored = db
        .prepare('SELECT version FROM processing_schema WHERE component = ?')
        .pluck()
        .get(RECORD_ID_SCHEME_COMPONENT) as number | undefined;
      if (stored !== undefined) {
        if (stored !== RECORD_ID_SCHEMES.powertools && stored !== RECORD_ID_SCHEMES.byEventTime) {
          throw new Error(
            `This database records idempotency record id scheme ${stored}, unknown to this version of genesys-event-pipeline. Upgrade the package, or use a new data directory.`,
          );
        }
        return stored === RECORD_ID_SCHEMES.byEventTime;
      }
      const tableExists =
        db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'idempotency'").get() !== undefined;
      const hasRecords = tableExists && db.prepare('SELECT 1 FROM idempotency LIMIT 1').get() !== undefined;
      const byEventTime = preferByEventTime && !hasRecords;
      db.prepare('INSERT INTO processing_schema (component, version) VALUES (?, ?)').run(
        RECORD_ID_SCHEME_COMPONENT,
        byEventTime ? RECORD_ID_SCHEMES.byEventTime : RECORD_ID_SCHEMES.powertools,
      );
      return byEventTime;
    })
    .immediate();
}

/** The layer's statements, prepared once; parameters by position (binding by name costs a lookup per parameter). */
function prepare(db: SqliteDatabase) {
  return {
    /** (id, status, expiration, in_progress_expiration, validation, now in s, now in ms) */
    put: db.prepare(`
      INSERT INTO idempotency (id, status, expiration, in_progress_expiration, data, validation)
      VALUES (?, ?, ?, ?, NULL, ?)
      ON CONFLICT (id) DO UPDATE SET
        status = excluded.status,
        expiration = excluded.expiration,
        in_progress_expiration = excluded.in_progress_expiration,
        data = NULL,
        validation = excluded.validation
      WHERE idempotency.expiration < ?
         OR (idempotency.status = 'INPROGRESS' AND idempotency.in_progress_expiration IS NOT NULL AND idempotency.in_progress_expiration < ?)
    `),
    get: db.prepare(
      'SELECT id, status, expiration, in_progress_expiration, data, validation FROM idempotency WHERE id = ?',
    ),
    /** (id, status, expiration, data, validation): a completed record's first write */
    upsert: db.prepare(`
      INSERT INTO idempotency (id, status, expiration, in_progress_expiration, data, validation) VALUES (?, ?, ?, NULL, ?, ?)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, expiration = excluded.expiration, in_progress_expiration = NULL, data = excluded.data, validation = excluded.validation
    `),
    /** (status, expiration, data, id) */
    update: db.prepare('UPDATE idempotency SET status = ?, expiration = ?, data = COALESCE(?, data) WHERE id = ?'),
    /** (status, expiration, data, validation, id) */
    updateWithValidation: db.prepare(
      'UPDATE idempotency SET status = ?, expiration = ?, data = COALESCE(?, data), validation = ? WHERE id = ?',
    ),
    delete: db.prepare('DELETE FROM idempotency WHERE id = ?'),
    purge: db.prepare('DELETE FROM idempotency WHERE expiration < ?'),
    countByStatus: db.prepare('SELECT status, COUNT(*) AS n FROM idempotency GROUP BY status'),
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
