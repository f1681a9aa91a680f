/**
 * The SQLite table of one durable queue and every statement a queue runs on it, prepared once.
 * {@link DurableQueue} decides what to do (SQS semantics, leases); this file only knows the rows.
 *
 * A row is a message: `visible_at` says when a receive may take it (in the future: in flight or
 * delayed; {@link HELD_BY_RECEIVER}: held by the receiving store's memory), `receipt` is the token
 * of its current receive, `enqueued_at` when it entered this queue (the send, or the move to this
 * dead-letter queue).
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../sqlite/index.js';

/**
 * `visible_at` of a message held by the receiving store's memory (`DurableQueue`, "Leases in
 * memory"): later than any real time (epoch ms of the year ~255,000), so every query on
 * visibility leaves it out.
 */
export const HELD_BY_RECEIVER = 8_000_000_000_000_000;

/** The columns a receive reads. */
export interface MessageRow {
  seq: number;
  message_id: string;
  body: string;
  message_attributes: string | null;
  sent_at: number;
  receive_count: number;
  first_received_at: number;
  dead_letter_source: string | null;
  dead_letter_reason: string | null;
}

/** A held row, as a lease takes it (never received yet when `first_received_at` is null). */
export type HeldRow = Omit<MessageRow, 'first_received_at' | 'dead_letter_source' | 'dead_letter_reason'> & {
  first_received_at: number | null;
};

/** A row as `peek` shows it. */
type PeekedRow = MessageRow & { enqueued_at: number; visible_at: number };

/** A new row: message id, body, message attributes (JSON), sent at, enqueued at, visible at. */
export type NewRow = [string, string, string | null, number, number, number];

/** A row's `message_attributes` column as the message's attributes. */
export function messageAttributesOf(column: string | null): Record<string, string> {
  return column === null ? {} : (JSON.parse(column) as Record<string, string>);
}

/** The table `durable_queue_<id>` and its statements. */
export class QueueTable {
  /** The table's name. */
  readonly name: string;
  private readonly insertStmt: Statement;
  private readonly receiveStmt: Statement;
  private readonly deleteStmt: Statement;
  private readonly deleteBySeqStmt: Statement;
  private readonly visibilityStmt: Statement;
  private readonly countVisibleStmt: Statement;
  private readonly countHiddenStmt: Statement;
  private readonly countDelayedStmt: Statement;
  private readonly oldestStmt: Statement;
  private readonly nextVisibleStmt: Statement;
  private readonly heldStmt: Statement;
  private readonly countHeldStmt: Statement;
  private readonly writeLeaseStmt: Statement;
  private readonly releaseHeldStmt: Statement;
  /** The last `seq` {@link insert} handed out (or leased: see {@link markLeasedThrough}). */
  private lastSeq = 0;
  private readonly markStmt: Statement;
  /** Moves and copies to other queues' tables, by target table. */
  private readonly transferStmts = new Map<string, Statement>();

  constructor(
    private readonly db: SqliteDatabase,
    id: number,
  ) {
    const t = (this.name = `durable_queue_${id}`);
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t} (
        seq INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        message_attributes TEXT,
        sent_at INTEGER NOT NULL,
        enqueued_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        first_received_at INTEGER,
        receipt INTEGER NOT NULL DEFAULT 0,
        dead_letter_source TEXT,
        dead_letter_reason TEXT
      );
      CREATE INDEX IF NOT EXISTS ${t}_visible ON ${t} (visible_at);
      CREATE TABLE IF NOT EXISTS durable_queue_lease_marks (queue TEXT PRIMARY KEY, leased_through INTEGER NOT NULL);
    `);
    this.markStmt = db.prepare(
      `INSERT INTO durable_queue_lease_marks (queue, leased_through) VALUES (?, ?)
       ON CONFLICT (queue) DO UPDATE SET leased_through = max(leased_through, excluded.leased_through)`,
    );
    this.insertStmt = db.prepare(
      `INSERT INTO ${t} (seq, message_id, body, message_attributes, sent_at, enqueued_at, visible_at)
       VALUES (max(?, coalesce((SELECT max(seq) FROM ${t}), 0) + 1), ?, ?, ?, ?, ?, ?)`,
    );
    this.receiveStmt = db.prepare(
      `UPDATE ${t} SET visible_at = ?, receive_count = receive_count + 1, first_received_at = coalesce(first_received_at, ?), receipt = ?
       WHERE seq IN (SELECT seq FROM ${t} WHERE visible_at <= ? ORDER BY visible_at LIMIT ?)
       RETURNING seq, message_id, body, message_attributes, sent_at, receive_count, first_received_at, dead_letter_source, dead_letter_reason`,
    );
    this.deleteStmt = db.prepare(`DELETE FROM ${t} WHERE seq = ? AND receipt = ?`);
    this.deleteBySeqStmt = db.prepare(`DELETE FROM ${t} WHERE seq = ?`);
    this.visibilityStmt = db.prepare(`UPDATE ${t} SET visible_at = ? WHERE seq = ? AND receipt = ?`);
    this.countVisibleStmt = db.prepare(`SELECT count(*) AS n FROM ${t} WHERE visible_at <= ?`).pluck();
    this.countHiddenStmt = db
      .prepare(`SELECT count(*) AS n FROM ${t} WHERE visible_at > ? AND visible_at < ${HELD_BY_RECEIVER}`)
      .pluck();
    this.countDelayedStmt = db
      .prepare(
        `SELECT count(*) AS n FROM ${t} WHERE visible_at > ? AND visible_at < ${HELD_BY_RECEIVER} AND receive_count = 0`,
      )
      .pluck();
    this.oldestStmt = db.prepare(`SELECT enqueued_at FROM ${t} ORDER BY seq LIMIT 1`).pluck();
    this.nextVisibleStmt = db
      .prepare(`SELECT visible_at FROM ${t} WHERE visible_at < ${HELD_BY_RECEIVER} ORDER BY visible_at LIMIT 1`)
      .pluck();
    this.heldStmt = db.prepare(
      `SELECT seq, message_id, body, message_attributes, sent_at, receive_count, first_received_at FROM ${t} WHERE visible_at = ${HELD_BY_RECEIVER} AND seq > ? ORDER BY seq LIMIT ?`,
    );
    this.countHeldStmt = db.prepare(`SELECT count(*) AS n FROM ${t} WHERE visible_at = ${HELD_BY_RECEIVER}`).pluck();
    this.writeLeaseStmt = db.prepare(
      `UPDATE ${t} SET visible_at = ?, receive_count = ?, first_received_at = ?, receipt = ? WHERE seq = ? AND visible_at = ${HELD_BY_RECEIVER}`,
    );
    this.releaseHeldStmt = db.prepare(`UPDATE ${t} SET visible_at = ? WHERE visible_at = ${HELD_BY_RECEIVER}`);
  }

  /**
   * Inserts a message; returns its row's `seq`. A `seq` is never reused, even after a rollback
   * (which takes back SQLite's own `max + 1` and AUTOINCREMENT's counter alike): each is above every
   * `seq` this table object handed out, so a lease or receipt still holding an old one can never
   * touch another message.
   */
  insert(row: NewRow): number {
    return (this.lastSeq = Number(this.insertStmt.run(this.lastSeq + 1, ...row).lastInsertRowid));
  }

  /**
   * Takes up to `limit` of the oldest rows visible at `now`: hides them until `visibleUntil`,
   * counts the receive, stamps `token` as their receipt.
   */
  receive(visibleUntil: number, now: number, token: number, limit: number): MessageRow[] {
    return this.receiveStmt.all(visibleUntil, now, token, now, limit) as MessageRow[];
  }

  /** Deletes the row if `token` is its current receipt; returns whether it did. */
  deleteReceived(seq: number, token: number): boolean {
    return this.deleteStmt.run(seq, token).changes === 1;
  }

  /** Deletes the row whatever its state; returns whether it existed. */
  delete(seq: number): boolean {
    return this.deleteBySeqStmt.run(seq).changes === 1;
  }

  /** Makes a received row visible at `visibleAt` if `token` is its current receipt; returns whether it did. */
  setVisibility(seq: number, token: number, visibleAt: number): boolean {
    return this.visibilityStmt.run(visibleAt, seq, token).changes === 1;
  }

  /** Rows a receive would take at `now`. */
  countVisible(now: number): number {
    return this.countVisibleStmt.get(now) as number;
  }

  /** Rows hidden at `now` (in flight or delayed), held rows not included. */
  countHidden(now: number): number {
    return this.countHiddenStmt.get(now) as number;
  }

  /** Rows sent with a delay that has not passed at `now`. */
  countDelayed(now: number): number {
    return this.countDelayedStmt.get(now) as number;
  }

  /** Held rows (leased or not). */
  countHeld(): number {
    return this.countHeldStmt.get() as number;
  }

  /** `enqueued_at` of the oldest row, or `undefined` when the table is empty. */
  oldestEnqueuedAt(): number | undefined {
    return this.oldestStmt.get() as number | undefined;
  }

  /** The earliest `visible_at` of a row not held, or `undefined`. */
  nextVisibleAt(): number | undefined {
    return this.nextVisibleStmt.get() as number | undefined;
  }

  /** Held rows after `afterSeq`, in the order they were sent. */
  held(afterSeq: number, limit: number): HeldRow[] {
    return this.heldStmt.all(afterSeq, limit) as HeldRow[];
  }

  /** Writes a lease to its held row, as the receive it was: visible again at `visibleAt`. */
  writeLease(seq: number, lease: { token: number; receiveCount: number; firstReceivedAt: number }, visibleAt: number) {
    this.writeLeaseStmt.run(visibleAt, lease.receiveCount, lease.firstReceivedAt, lease.token, seq);
  }

  /**
   * Records, in the transaction of the receive, that the held rows up to `seq` have been leased
   * (a receive the row does not show: see `MemoryLeases`). A process that dies leaves the mark, and
   * {@link countInterruptedReceives} counts those receives at the next start.
   */
  markLeasedThrough(seq: number): void {
    this.markStmt.run(this.name, seq);
    if (seq > this.lastSeq) this.lastSeq = seq; // new rows go above the mark
  }

  /**
   * Counts the receives a process that died made in memory: every row still held up to its mark
   * gets `receive_count + 1`. Returns those rows (seq, new receive count); clears the mark.
   */
  countInterruptedReceives(): Array<{ seq: number; receive_count: number }> {
    const mark = this.db
      .prepare('SELECT leased_through FROM durable_queue_lease_marks WHERE queue = ?')
      .pluck()
      .get(this.name) as number | undefined;
    if (mark === undefined) return [];
    const rows = this.db
      .prepare(
        `UPDATE ${this.name} SET receive_count = receive_count + 1 WHERE visible_at = ${HELD_BY_RECEIVER} AND seq <= ? RETURNING seq, receive_count`,
      )
      .all(mark) as Array<{ seq: number; receive_count: number }>;
    this.clearLeaseMark();
    return rows;
  }

  /** Forgets the lease mark (every lease was written back). */
  clearLeaseMark(): void {
    this.db.prepare('DELETE FROM durable_queue_lease_marks WHERE queue = ?').run(this.name);
  }

  /** Makes every held row an ordinary row visible at `visibleAt`; returns how many. */
  releaseHeld(visibleAt: number): number {
    return this.releaseHeldStmt.run(visibleAt).changes;
  }

  /** Makes every row in flight at `now` (received, not delayed, not held) visible at `now`; returns how many. */
  releaseInFlight(now: number): number {
    return this.db
      .prepare(
        `UPDATE ${this.name} SET visible_at = ? WHERE visible_at > ? AND visible_at < ${HELD_BY_RECEIVER} AND receive_count > 0`,
      )
      .run(now, now).changes;
  }

  /**
   * Moves a row into the dead-letter queue's table (then delete it here): same message id and
   * body, with the source queue's ARN and the reason.
   */
  moveToDeadLetterQueue(dlq: QueueTable, seq: number, now: number, sourceArn: string, reason: string): void {
    this.transfer(
      dlq,
      'move',
      `INSERT INTO ${dlq.name} (message_id, body, message_attributes, sent_at, enqueued_at, visible_at, dead_letter_source, dead_letter_reason)
       SELECT message_id, body, message_attributes, sent_at, ?, ?, ?, ? FROM ${this.name} WHERE seq = ?`,
    ).run(now, now, sourceArn, reason, seq);
  }

  /** Copies a row into `target`'s table as a new message (new id, sent now; then delete it here). */
  copyAsNewMessage(target: QueueTable, seq: number, messageId: string, now: number): void {
    this.transfer(
      target,
      'copy',
      `INSERT INTO ${target.name} (message_id, body, message_attributes, sent_at, enqueued_at, visible_at)
       SELECT ?, body, message_attributes, ?, ?, ? FROM ${this.name} WHERE seq = ?`,
    ).run(messageId, now, now, now, seq);
  }

  private transfer(target: QueueTable, kind: 'move' | 'copy', sql: string): Statement {
    const key = `${kind}:${target.name}`;
    let stmt = this.transferStmts.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.transferStmts.set(key, stmt);
    }
    return stmt;
  }

  /** Rows in `seq` order, all or those with the given message ids. */
  peek(limit: number, messageIds?: readonly string[]): PeekedRow[] {
    const where = messageIds ? `WHERE message_id IN (${messageIds.map(() => '?').join(', ')})` : '';
    return this.db
      .prepare(
        `SELECT seq, message_id, body, message_attributes, sent_at, enqueued_at, visible_at, receive_count, first_received_at, dead_letter_source, dead_letter_reason FROM ${this.name} ${where} ORDER BY seq LIMIT ?`,
      )
      .all(...(messageIds ?? []), limit) as PeekedRow[];
  }

  /**
   * Up to `limit` rows a redrive may move at `now`, after `afterSeq` in `seq` order: visible ones
   * and held ones (the caller leaves out those leased).
   */
  redrivable(
    now: number,
    afterSeq: number,
    limit: number,
    messageIds?: readonly string[],
  ): Array<{ seq: number; dead_letter_source: string | null }> {
    const byId = messageIds ? ` AND message_id IN (${messageIds.map(() => '?').join(', ')})` : '';
    return this.db
      .prepare(
        `SELECT seq, dead_letter_source FROM ${this.name} WHERE (visible_at <= ? OR visible_at = ${HELD_BY_RECEIVER}) AND seq > ?${byId} ORDER BY seq LIMIT ?`,
      )
      .all(now, afterSeq, ...(messageIds ?? []), limit) as Array<{ seq: number; dead_letter_source: string | null }>;
  }

  /** The distinct source queues (ARNs; null: sent here directly) of the rows. */
  deadLetterSources(): Array<string | null> {
    return this.db.prepare(`SELECT DISTINCT dead_letter_source FROM ${this.name}`).pluck().all() as Array<
      string | null
    >;
  }

  /** Deletes the rows of a message id; returns their `seq`s. */
  deleteByMessageId(messageId: string): number[] {
    return this.db
      .prepare(`DELETE FROM ${this.name} WHERE message_id = ? RETURNING seq`)
      .pluck()
      .all(messageId) as number[];
  }

  /** Deletes the rows sent at or before `sentAtOrBefore`; returns their `seq`s. */
  deleteSentBefore(sentAtOrBefore: number): number[] {
    return this.db
      .prepare(`DELETE FROM ${this.name} WHERE sent_at <= ? RETURNING seq`)
      .pluck()
      .all(sentAtOrBefore) as number[];
  }

  /** Deletes every row; returns how many. */
  deleteAll(): number {
    return this.db.prepare(`DELETE FROM ${this.name}`).run().changes;
  }

  /** Drops the table. */
  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${this.name}`);
  }
}
