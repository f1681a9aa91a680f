/**
 * Read queries over the SQLite conversation projection, for the local runtime's HTTP routes
 * (`ConversationQueries`: `GET /api/conversations[/:id]`) and for telemetry
 * (`ContactCentreSource`: the dashboard's contact-centre figures and their Prometheus gauges).
 *
 * Every answer comes from an index or from the aggregates the schema's triggers maintain
 * (`conversation_totals`, `conversation_queue_waiting`), never from a scan: `contactCentreFigures()`
 * costs two small reads whatever the number of conversations stored.
 */
import type { ConversationListQuery, ConversationQueries } from '../../runtime/http-routes.js';
import type { ContactCentreFigures, ContactCentreSource } from '../../telemetry/contact-centre.js';
import type { ConversationProjection } from '../projection.js';
import { ensureConversationSchema, recountConversationTotals, totalsReader } from './sqlite-conversation-schema.js';
import type { ConversationTotals } from './sqlite-conversation-schema.js';
import type { SqliteDatabase } from './sqlite.js';

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
 * const db = openProcessingDatabase('.genesys-pipeline/pipeline.db');
 * const queries = new SqliteConversationQueries(db);
 * const telemetry = new PipelineTelemetry({ contactCentre: queries });
 * const routes = createHttpRoutes({ telemetry, conversations: queries });
 */
export class SqliteConversationQueries implements ConversationQueries, ContactCentreSource {
  readonly #db: SqliteDatabase;
  readonly #get: (conversationId: string) => string | undefined;
  readonly #listState: (state: string, limit: number) => string[];
  readonly #listAll: (limit: number) => string[];
  readonly #totals: () => ConversationTotals;
  readonly #totalsInTransaction: () => ConversationTotals;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    ensureConversationSchema(db);
    const get = db.prepare('SELECT projection FROM conversations WHERE conversation_id = ?').pluck();
    const byState = db.prepare('SELECT projection FROM conversations WHERE state = ? ORDER BY update_seq DESC LIMIT ?').pluck();
    // Both states through the (state, update_seq) index, merged: no second index to maintain on every write.
    const all = db
      .prepare(
        `SELECT projection FROM (
           SELECT * FROM (SELECT projection, update_seq FROM conversations WHERE state = 'active' ORDER BY update_seq DESC LIMIT @limit)
           UNION ALL
           SELECT * FROM (SELECT projection, update_seq FROM conversations WHERE state = 'ended' ORDER BY update_seq DESC LIMIT @limit)
         ) ORDER BY update_seq DESC LIMIT @limit`,
      )
      .pluck();
    this.#get = (id) => get.get(id) as string | undefined;
    this.#listState = (state, limit) => byState.all(state, limit) as string[];
    this.#listAll = (limit) => all.all({ limit }) as string[];
    const read = totalsReader(db);
    this.#totals = read;
    // Outside a transaction, read both aggregates in one snapshot.
    this.#totalsInTransaction = db.transaction(read).deferred;
  }

  /** The projection of one conversation, or `undefined` when none of its events was applied. */
  get(conversationId: string): ConversationProjection | undefined {
    const text = this.#get(conversationId);
    return text === undefined ? undefined : (JSON.parse(text) as ConversationProjection);
  }

  /**
   * Conversations, most recently updated first (see the class description), only those in
   * `state` when given, at most `limit`.
   *
   * @throws {RangeError} when `limit` is not a whole number ≥ 1.
   */
  list(query: ConversationListQuery): ConversationProjection[] {
    const { state, limit } = query;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`list: limit must be a whole number ≥ 1, got ${String(limit)}.`);
    if (state !== undefined && state !== 'active' && state !== 'ended') {
      throw new RangeError(`list: state must be "active" or "ended" (or absent for all), got ${JSON.stringify(state)}.`);
    }
    const texts = state === undefined ? this.#listAll(limit) : this.#listState(state, limit);
    return texts.map((text) => JSON.parse(text) as ConversationProjection);
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
