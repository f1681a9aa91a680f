/**
 * A real {@link ContactCentreSource} for tests: a small SQLite table of conversations (created by
 * the test, in a temp dir) and the SQL aggregates the figures are defined by (docs/dashboard.md).
 * The runtime's own source reads the processing module's projection store the same way.
 */
import Database from 'better-sqlite3';
import type { ContactCentreFigures, ContactCentreSource } from '../../src/telemetry/index.js';

/** One row of the test table; times are epoch ms, `null` when it has not happened. */
export interface ConversationRow {
  id: string;
  queueId?: string;
  queuedAt?: number;
  answeredAt?: number;
  abandoned?: boolean;
  endedAt?: number;
  talkMs?: number;
  holdMs?: number;
  acwMs?: number;
}

export class SqliteContactCentre implements ContactCentreSource {
  readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS conversations (
      id TEXT PRIMARY KEY, queue_id TEXT, queued_at INTEGER, answered_at INTEGER, abandoned INTEGER NOT NULL DEFAULT 0,
      ended_at INTEGER, talk_ms INTEGER, hold_ms INTEGER, acw_ms INTEGER)`);
  }

  upsert(row: ConversationRow): void {
    this.db
      .prepare(
        `INSERT INTO conversations (id, queue_id, queued_at, answered_at, abandoned, ended_at, talk_ms, hold_ms, acw_ms)
         VALUES (@id, @queueId, @queuedAt, @answeredAt, @abandoned, @endedAt, @talkMs, @holdMs, @acwMs)
         ON CONFLICT (id) DO UPDATE SET queue_id = excluded.queue_id, queued_at = excluded.queued_at, answered_at = excluded.answered_at,
           abandoned = excluded.abandoned, ended_at = excluded.ended_at, talk_ms = excluded.talk_ms, hold_ms = excluded.hold_ms, acw_ms = excluded.acw_ms`,
      )
      .run({
        id: row.id,
        queueId: row.queueId ?? null,
        queuedAt: row.queuedAt ?? null,
        answeredAt: row.answeredAt ?? null,
        abandoned: row.abandoned ? 1 : 0,
        endedAt: row.endedAt ?? null,
        talkMs: row.talkMs ?? null,
        holdMs: row.holdMs ?? null,
        acwMs: row.acwMs ?? null,
      });
  }

  contactCentreFigures(): ContactCentreFigures {
    const totals = this.db
      .prepare(
        `SELECT
           SUM(ended_at IS NULL) AS active,
           SUM(ended_at IS NOT NULL) AS ended,
           SUM(queued_at IS NOT NULL AND abandoned = 1) AS abandoned,
           SUM(queued_at IS NOT NULL AND answered_at IS NOT NULL) AS answered,
           AVG(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL
                    THEN COALESCE(talk_ms, 0) + COALESCE(hold_ms, 0) + COALESCE(acw_ms, 0) END) AS aht
         FROM conversations`,
      )
      .get() as {
      active: number | null;
      ended: number | null;
      abandoned: number | null;
      answered: number | null;
      aht: number | null;
    };
    const waiting = this.db
      .prepare(
        `SELECT queue_id AS queueId, COUNT(*) AS waiting FROM conversations
         WHERE queued_at IS NOT NULL AND answered_at IS NULL AND abandoned = 0 AND ended_at IS NULL
         GROUP BY queue_id`,
      )
      .all() as { queueId: string; waiting: number }[];
    const left = (totals.abandoned ?? 0) + (totals.answered ?? 0);
    return {
      activeConversations: totals.active ?? 0,
      waitingByQueue: waiting,
      abandonRate: left === 0 ? null : (totals.abandoned ?? 0) / left,
      averageHandleTimeMs: totals.aht,
      conversationsEnded: totals.ended ?? 0,
    };
  }

  close(): void {
    this.db.close();
  }
}
