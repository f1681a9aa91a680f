/**
 * The event archive: every event a bus accepts, with its ingestion time, in SQLite, kept for a
 * retention period, and read back by time window for replays. As in EventBridge, a replay
 * selects events by their `time` field, and replayed events are never archived again.
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../sqlite/index.js';

/** An archived event. */
interface ArchivedEvent {
  /** The event JSON exactly as it was delivered. */
  event: string;
  /** The event's `time`, epoch milliseconds. */
  eventTimeMs: number;
  /** When the bus accepted it, epoch milliseconds. */
  ingestedAtMs: number;
}

interface ArchiveRow {
  seq: number;
  event: string;
  event_time: number;
  ingested_at: number;
}

/**
 * The archive tables of a database. `append` is meant to be called inside the caller's
 * transaction (the PutEvents transaction).
 *
 * @example
 * const archive = new EventArchive(db, { retentionMs: 24 * 3600_000 });
 * for (const batch of archive.window('default', from, to)) replay(batch);
 */
export class EventArchive {
  private readonly busIds = new Map<string, number>();
  private readonly insertStmt: Statement;
  private readonly windowStmt: Statement;
  private readonly busIdStmt: Statement;
  private readonly insertBusStmt: Statement;
  private readonly firstKeptStmt: Statement;
  private readonly purgeStmt: Statement;

  constructor(
    private readonly db: SqliteDatabase,
    /** How long events are kept, from ingestion (ms); 0 keeps them forever. */
    readonly retentionMs: number,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS eventbridge_buses (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS eventbridge_archive (
        seq INTEGER PRIMARY KEY,
        bus_id INTEGER NOT NULL,
        event_time INTEGER NOT NULL,
        ingested_at INTEGER NOT NULL,
        event TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS eventbridge_archive_window ON eventbridge_archive (bus_id, event_time);
    `);
    this.insertStmt = db.prepare(
      'INSERT INTO eventbridge_archive (bus_id, event_time, ingested_at, event) VALUES (?, ?, ?, ?)',
    );
    this.windowStmt = db.prepare(
      `SELECT seq, event, event_time, ingested_at FROM eventbridge_archive
       WHERE bus_id = ? AND event_time < ? AND (event_time > ? OR (event_time = ? AND seq > ?))
       ORDER BY event_time, seq LIMIT ?`,
    );
    this.busIdStmt = db.prepare('SELECT id FROM eventbridge_buses WHERE name = ?').pluck();
    this.insertBusStmt = db.prepare('INSERT INTO eventbridge_buses (name) VALUES (?) RETURNING id').pluck();
    this.firstKeptStmt = db
      .prepare('SELECT seq FROM eventbridge_archive WHERE ingested_at >= ? ORDER BY seq LIMIT 1')
      .pluck();
    this.purgeStmt = db.prepare(
      'DELETE FROM eventbridge_archive WHERE seq IN (SELECT seq FROM eventbridge_archive WHERE seq < ? ORDER BY seq LIMIT 10000)',
    );
  }

  private busId(busName: string): number {
    let id = this.busIds.get(busName);
    if (id === undefined) {
      id = (this.busIdStmt.get(busName) as number | undefined) ?? (this.insertBusStmt.get(busName) as number);
      this.busIds.set(busName, id);
    }
    return id;
  }

  /** Stores one accepted event. */
  append(busName: string, eventTimeMs: number, ingestedAtMs: number, eventJson: string): void {
    this.insertStmt.run(this.busId(busName), eventTimeMs, ingestedAtMs, eventJson);
  }

  /**
   * The archived events of `busName` whose `time` is in [`fromMs`, `toMs`), oldest first, in
   * batches of `batchSize`.
   */
  *window(busName: string, fromMs: number, toMs: number, batchSize = 500): Generator<ArchivedEvent[]> {
    const busId = this.busId(busName);
    let afterTime = fromMs;
    let afterSeq = -1;
    for (;;) {
      const rows = this.windowStmt.all(busId, toMs, afterTime, afterTime, afterSeq, batchSize) as ArchiveRow[];
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!;
      afterTime = last.event_time;
      afterSeq = last.seq;
      yield rows.map((r) => ({ event: r.event, eventTimeMs: r.event_time, ingestedAtMs: r.ingested_at }));
      if (rows.length < batchSize) return;
    }
  }

  /**
   * Deletes events older than the retention period (none when it is 0), at most `maxRows` of
   * them (in transactions of 10,000, so that a large purge does not hold the database long);
   * returns how many.
   */
  purgeExpired(nowMs: number, maxRows = Number.POSITIVE_INFINITY): number {
    if (this.retentionMs <= 0) return 0;
    const firstKept =
      (this.firstKeptStmt.get(nowMs - this.retentionMs) as number | undefined) ?? Number.MAX_SAFE_INTEGER;
    let deleted = 0;
    while (deleted < maxRows) {
      const n = this.purgeStmt.run(firstKept).changes;
      deleted += n;
      if (n < 10000) break;
    }
    return deleted;
  }

  /** How many archived events of `busName` have a `time` in [`fromMs`, `toMs`) (an index range count). */
  countWindow(busName: string, fromMs: number, toMs: number): number {
    return this.db
      .prepare('SELECT count(*) FROM eventbridge_archive WHERE bus_id = ? AND event_time >= ? AND event_time < ?')
      .pluck()
      .get(this.busId(busName), fromMs, toMs) as number;
  }

  /** How many events the archive holds for `busName` (all buses when omitted). Scans: not for hot paths. */
  count(busName?: string): number {
    if (busName === undefined)
      return this.db.prepare('SELECT count(*) FROM eventbridge_archive').pluck().get() as number;
    return this.db
      .prepare('SELECT count(*) FROM eventbridge_archive WHERE bus_id = ?')
      .pluck()
      .get(this.busId(busName)) as number;
  }
}
