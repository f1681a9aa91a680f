/**
 * The durable delivery log of the local bus: pending deliveries (an event and the body for one
 * target, with its attempt count and next attempt time), so that a restart resumes retries; and
 * dropped events (undeliverable with no dead-letter queue, or sent to a bus that does not exist),
 * each with the reason, so that nothing is ever discarded silently.
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../sqlite/index.js';

/** A delivery that has not succeeded yet. */
export interface PendingDelivery {
  id: number;
  busName: string;
  ruleName: string;
  targetId: string;
  /** The event JSON. */
  event: string;
  /** The body for the target (after its input transformation). */
  body: string;
  /** When the bus accepted the event (epoch ms); `MaximumEventAgeInSeconds` counts from here. */
  ingestedAt: number;
  /** Attempts made so far. */
  attempts: number;
  nextAttemptAt: number;
  /** The error of the last failed attempt, if any. */
  lastErrorCode?: string;
  lastErrorMessage?: string;
}

/** An event the bus could not deliver and could not dead-letter. */
export interface DroppedEvent {
  id: number;
  busName: string;
  ruleArn: string | null;
  targetArn: string | null;
  /** The event JSON. */
  event: string;
  /** EventBridge's DLQ error code (e.g. `ERROR_FROM_TARGET`, `NO_RESOURCE`). */
  errorCode: string;
  errorMessage: string;
  /** `MaximumRetryAttempts` or `MaximumEventAgeInSeconds` when a retry limit ended the delivery. */
  exhaustedRetryCondition: string | null;
  retryAttempts: number | null;
  droppedAt: number;
}

interface PendingRow {
  id: number;
  bus: string;
  rule: string;
  target_id: string;
  event: string;
  body: string;
  ingested_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error_code: string | null;
  last_error_message: string | null;
}

interface DroppedRow {
  id: number;
  bus: string;
  rule_arn: string | null;
  target_arn: string | null;
  event: string;
  error_code: string;
  error_message: string;
  exhausted_retry_condition: string | null;
  retry_attempts: number | null;
  dropped_at: number;
}

/** The delivery tables of a database. Writes join the caller's transaction when there is one. */
export class DeliveryLog {
  private readonly insertStmt: Statement;
  /** The last id {@link addPending} handed out. */
  private lastId = 0;
  private readonly dueStmt: Statement;
  private readonly nextDueStmt: Statement;
  private readonly deleteStmt: Statement;
  private readonly rescheduleStmt: Statement;
  private readonly deferStmt: Statement;
  private readonly dropStmt: Statement;

  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS eventbridge_deliveries (
        id INTEGER PRIMARY KEY,
        bus TEXT NOT NULL,
        rule TEXT NOT NULL,
        target_id TEXT NOT NULL,
        event TEXT NOT NULL,
        body TEXT NOT NULL,
        ingested_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error_code TEXT,
        last_error_message TEXT
      );
      CREATE INDEX IF NOT EXISTS eventbridge_deliveries_due ON eventbridge_deliveries (next_attempt_at);
      CREATE TABLE IF NOT EXISTS eventbridge_dropped (
        id INTEGER PRIMARY KEY,
        bus TEXT NOT NULL,
        rule_arn TEXT,
        target_arn TEXT,
        event TEXT NOT NULL,
        error_code TEXT NOT NULL,
        error_message TEXT NOT NULL,
        exhausted_retry_condition TEXT,
        retry_attempts INTEGER,
        dropped_at INTEGER NOT NULL
      );
    `);
    this.insertStmt = db
      .prepare(
        `INSERT INTO eventbridge_deliveries (id, bus, rule, target_id, event, body, ingested_at, next_attempt_at)
         VALUES (max(?, coalesce((SELECT max(id) FROM eventbridge_deliveries), 0) + 1), ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .pluck();
    this.dueStmt = db.prepare(
      'SELECT id, bus, rule, target_id, event, body, ingested_at, attempts, next_attempt_at, last_error_code, last_error_message FROM eventbridge_deliveries WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?',
    );
    this.nextDueStmt = db
      .prepare('SELECT next_attempt_at FROM eventbridge_deliveries ORDER BY next_attempt_at LIMIT 1')
      .pluck();
    this.deleteStmt = db.prepare('DELETE FROM eventbridge_deliveries WHERE id = ?');
    this.rescheduleStmt = db.prepare(
      'UPDATE eventbridge_deliveries SET attempts = ?, next_attempt_at = ?, last_error_code = ?, last_error_message = ? WHERE id = ?',
    );
    this.deferStmt = db.prepare('UPDATE eventbridge_deliveries SET next_attempt_at = ? WHERE id = ?');
    this.dropStmt = db.prepare(
      `INSERT INTO eventbridge_dropped (bus, rule_arn, target_arn, event, error_code, error_message, exhausted_retry_condition, retry_attempts, dropped_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /**
   * Records a delivery to make; returns its id. Ids are never reused, even after a rollback (which
   * takes back SQLite's own `max + 1` and AUTOINCREMENT's counter alike): each is above every id
   * this object handed out, so a worker still holding an old delivery's id can never remove another.
   */
  addPending(d: Omit<PendingDelivery, 'id' | 'attempts'>): number {
    return (this.lastId = this.insertStmt.get(
      this.lastId + 1,
      d.busName,
      d.ruleName,
      d.targetId,
      d.event,
      d.body,
      d.ingestedAt,
      d.nextAttemptAt,
    ) as number);
  }

  /** Deliveries due at `now`, soonest first, at most `limit`. */
  due(now: number, limit: number): PendingDelivery[] {
    return (this.dueStmt.all(now, limit) as PendingRow[]).map((r) => {
      const d: PendingDelivery = {
        id: r.id,
        busName: r.bus,
        ruleName: r.rule,
        targetId: r.target_id,
        event: r.event,
        body: r.body,
        ingestedAt: r.ingested_at,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
      };
      if (r.last_error_code !== null) d.lastErrorCode = r.last_error_code;
      if (r.last_error_message !== null) d.lastErrorMessage = r.last_error_message;
      return d;
    });
  }

  /** When the next delivery is due, or undefined when none is pending. */
  nextDueAt(): number | undefined {
    return this.nextDueStmt.get() as number | undefined;
  }

  /** Removes a delivery (it succeeded, or was dead-lettered). */
  remove(id: number): void {
    this.deleteStmt.run(id);
  }

  /** Records a failed attempt and when to try again. */
  reschedule(id: number, attempts: number, nextAttemptAt: number, errorCode: string, errorMessage: string): void {
    this.rescheduleStmt.run(attempts, nextAttemptAt, errorCode, errorMessage, id);
  }

  /** Moves a delivery's next attempt without counting an attempt (its target is not configured right now). */
  defer(id: number, nextAttemptAt: number): void {
    this.deferStmt.run(nextAttemptAt, id);
  }

  /** Records an event that could not be delivered nor dead-lettered. */
  recordDropped(d: Omit<DroppedEvent, 'id'>): void {
    this.dropStmt.run(
      d.busName,
      d.ruleArn,
      d.targetArn,
      d.event,
      d.errorCode,
      d.errorMessage,
      d.exhaustedRetryCondition,
      d.retryAttempts,
      d.droppedAt,
    );
  }

  /** Dropped events, newest first. */
  listDropped(limit = 100, offset = 0): DroppedEvent[] {
    const rows = this.db
      .prepare('SELECT * FROM eventbridge_dropped ORDER BY id DESC LIMIT ? OFFSET ?')
      .all(limit, offset) as DroppedRow[];
    return rows.map((r) => ({
      id: r.id,
      busName: r.bus,
      ruleArn: r.rule_arn,
      targetArn: r.target_arn,
      event: r.event,
      errorCode: r.error_code,
      errorMessage: r.error_message,
      exhaustedRetryCondition: r.exhausted_retry_condition,
      retryAttempts: r.retry_attempts,
      droppedAt: r.dropped_at,
    }));
  }

  /** Deliveries pending (awaiting a first attempt or a retry). */
  countPending(): number {
    return this.db.prepare('SELECT count(*) FROM eventbridge_deliveries').pluck().get() as number;
  }

  /** Events recorded as dropped. */
  countDropped(): number {
    return this.db.prepare('SELECT count(*) FROM eventbridge_dropped').pluck().get() as number;
  }
}
