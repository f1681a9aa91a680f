/**
 * Read queries over the SQLite conversation projection, for the local runtime's HTTP routes
 * (`ConversationQueries`: `GET /api/conversations[/:id]`) and for telemetry
 * (`ContactCentreSource`: the dashboard's contact-centre figures and their Prometheus gauges).
 *
 * Every answer comes from an index or from the aggregates the schema's triggers maintain
 * (`conversation_totals`, `conversation_queue_waiting`), never from a scan: `contactCentreFigures()`
 * costs two small reads whatever the number of conversations stored. A projection is folded from
 * the conversation's facts when read (the store does not write it at every event; see the schema):
 * `get` reads one row and its facts, `list` does so for each conversation it returns.
 */
import type { ConversationListQuery, ConversationQueries } from './conversation-queries.js';
import type { ContactCentreFigures, ContactCentreSource } from '../../telemetry/contact-centre.js';
import type { ConversationProjection } from '../projection.js';
import {
  conversationReader,
  ensureConversationSchema,
  recountConversationTotals,
  totalsReader,
} from './sqlite-conversation-schema.js';
import type { ConversationTotals } from './sqlite-conversation-schema.js';
import type { SqliteDatabase } from '../../sqlite/index.js';

/**
 * Both read ports over the SQLite projection store (the database a {@link SqliteConversationStore}
 * writes; creating this first creates the schema too).
 *
 * - `get(id)`: the stored projection, or `undefined`.
 * - `list({ state?, limit })`: projections, most recently updated first — in decreasing
 *   `update_seq`, which each write of a conversation sets to the fact log's rowid of the event
 *   that caused it: the conversation whose projection changed last (a new distinct event
 *   applied; a duplicate changes nothing) comes first, and no two conversations tie.
 * - `contactCentreFigures()`: see `docs/dashboard.md` → "Contact centre".
 *
 * @example
 * const db = openSqliteDatabase('.genesys-pipeline/pipeline.db');
 * const queries = new SqliteConversationQueries(db);
 * const telemetry = new PipelineTelemetry({ contactCentre: queries });
 * const routes = createHttpRoutes({ telemetry, conversations: queries });
 */
export class SqliteConversationQueries implements ConversationQueries, ContactCentreSource {
  readonly #db: SqliteDatabase;
  readonly #get: (conversationId: string) => ConversationProjection | undefined;
  readonly #listState: (state: string, limit: number) => ConversationProjection[];
  readonly #listAll: (limit: number) => ConversationProjection[];
  readonly #totals: () => ConversationTotals;
  readonly #totalsInTransaction: () => ConversationTotals;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    ensureConversationSchema(db);
    const project = conversationReader(db);
    const get = db.prepare('SELECT fact_rowids FROM conversations WHERE conversation_id = ?').pluck();
    const byState = db.prepare(
      'SELECT conversation_id AS id, fact_rowids AS rowids FROM conversations WHERE state = ? ORDER BY update_seq DESC LIMIT ?',
    );
    // Both states through the (state, update_seq) index, merged: no second index to maintain on every write.
    const all = db.prepare(
      `SELECT id, rowids FROM (
         SELECT * FROM (SELECT conversation_id AS id, fact_rowids AS rowids, update_seq FROM conversations WHERE state = 'active' ORDER BY update_seq DESC LIMIT @limit)
         UNION ALL
         SELECT * FROM (SELECT conversation_id AS id, fact_rowids AS rowids, update_seq FROM conversations WHERE state = 'ended' ORDER BY update_seq DESC LIMIT @limit)
       ) ORDER BY update_seq DESC LIMIT @limit`,
    );
    const projectRows = (rows: { id: string; rowids: string }[]): ConversationProjection[] =>
      rows.map((row) => project(row.id, row.rowids));
    // Each answer from one snapshot (a read transaction when none is open): rows and facts agree.
    const snapshot = <A extends unknown[], R>(read: (...args: A) => R): ((...args: A) => R) => {
      const inTransaction = db.transaction(read);
      return (...args) => (db.inTransaction ? read(...args) : inTransaction.deferred(...args));
    };
    this.#get = snapshot((id: string) => {
      const rowids = get.get(id) as string | undefined;
      return rowids === undefined ? undefined : project(id, rowids);
    });
    this.#listState = snapshot((state: string, limit: number) =>
      projectRows(byState.all(state, limit) as { id: string; rowids: string }[]),
    );
    this.#listAll = snapshot((limit: number) => projectRows(all.all({ limit }) as { id: string; rowids: string }[]));
    const read = totalsReader(db);
    this.#totals = read;
    // Outside a transaction, read both aggregates in one snapshot.
    this.#totalsInTransaction = db.transaction(read).deferred;
  }

  /** The projection of one conversation, or `undefined` when none of its events was applied. */
  get(conversationId: string): ConversationProjection | undefined {
    return this.#get(conversationId);
  }

  /**
   * Conversations, most recently updated first (see the class description), only those in
   * `state` when given, at most `limit`.
   *
   * @throws {RangeError} when `limit` is not a whole number ≥ 1.
   */
  list(query: ConversationListQuery): ConversationProjection[] {
    const { state, limit } = query;
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`list: limit must be a whole number ≥ 1, got ${String(limit)}.`);
    if (state !== undefined && state !== 'active' && state !== 'ended') {
      throw new RangeError(
        `list: state must be "active" or "ended" (or absent for all), got ${JSON.stringify(state)}.`,
      );
    }
    return state === undefined ? this.#listAll(limit) : this.#listState(state, limit);
  }

  /** The dashboard's contact-centre figures now (two indexed reads). */
  contactCentreFigures(): ContactCentreFigures {
    return figuresOf(this.#db.inTransaction ? this.#totals() : this.#totalsInTransaction());
  }

  /**
   * The same figures recounted by a full scan of the typed columns — O(conversations); for
   * checks (the maintained aggregates must always equal it) and tests, not for polling.
   */
  recountContactCentreFigures(): ContactCentreFigures {
    return figuresOf(recountConversationTotals(this.#db));
  }
}

function figuresOf(totals: ConversationTotals): ContactCentreFigures {
  return {
    activeConversations: totals.active,
    waitingByQueue: totals.waitingByQueue
      .filter((q) => q.waiting > 0)
      .sort((a, b) => b.waiting - a.waiting || (a.queueId < b.queueId ? -1 : a.queueId > b.queueId ? 1 : 0)),
    abandonRate: totals.leftQueue === 0 ? null : totals.abandoned / totals.leftQueue,
    averageHandleTimeMs: totals.handledEnded === 0 ? null : totals.handleMsEnded / totals.handledEnded,
    conversationsEnded: totals.ended,
  };
}
