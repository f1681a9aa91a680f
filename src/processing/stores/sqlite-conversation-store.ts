/**
 * The conversation projection in SQLite (schema: `sqlite-conversation-schema.ts`): facts
 * appended to `conversation_fact_log`, and per conversation a `conversations` row with the
 * rowids of its facts and typed columns the queries use. The projection itself is folded from the
 * facts when read (`get`, and `SqliteConversationQueries`), not written at every event.
 *
 * `applyFact` is built for volume (its cost: docs/processing.md, "Performance") and dirties no
 * random page but its conversation's row: the fact is appended to the log (a compact JSON
 * array), and the row rewritten — only `fact_rowids`, `update_seq`, `version` and `updated_at`
 * while the typed columns stay the same, so the aggregates' trigger runs only when a figure
 * changes. It keeps the canonical fact set of recently
 * active conversations in memory (an LRU bounded by a number of conversations) together with
 * their running fold ({@link ProjectionFold}), so it neither re-reads nor re-parses a
 * conversation's facts, and a fact later than the others (most live events) is folded in one
 * step; on a miss it reads them through the row's rowid list.
 *
 * Correctness does not rest on the cache:
 *
 * - a fact is new when its key is not in the conversation's fact set; the set is the one the
 *   `conversations` row lists, read in the same transaction, or the cached copy of it;
 * - every write of a `conversations` row sets a fresh random `version` and is conditional on the
 *   version the cache last wrote or read (`UPDATE … WHERE version = ?`), and a duplicate
 *   answered from the cache first checks that version. A write the cache did not make — another
 *   process or store instance on the same file, or a transaction rolled back after this one
 *   wrote — is thus always noticed: the store drops the cached copy and applies the fact again
 *   from the table, inside the same write transaction.
 *
 * Transactions: each `applyFact` is one transaction (`BEGIN IMMEDIATE`) when none is open, or
 * part of the transaction the caller already opened — so a runtime can group many events into
 * one commit. Inside the caller's transaction there is no savepoint: the one write that can
 * precede a failure, the fact's log row, is deleted again before the error leaves `applyFact`
 * (each statement is atomic on its own, its triggers included), so a failed or retried
 * `applyFact` leaves nothing behind. SQLite serializes writers (threads or processes), so no
 * update is lost.
 */
import type { ConversationFact } from '../facts.js';
import { insertCanonicalAt, ProjectionFold } from '../projection.js';
import type { ConversationProjection } from '../projection.js';
import type { ConversationStore } from './conversation-store.js';
import { LruMap } from './lru-map.js';
import {
  conversationReader,
  decodeFact,
  encodeFact,
  ensureConversationSchema,
  newRowVersion,
  readFacts,
} from './sqlite-conversation-schema.js';
import type { SqliteDatabase } from '../../sqlite/index.js';

/** Default of {@link SqliteConversationStoreOptions.cacheConversations}. */
export const DEFAULT_CACHED_CONVERSATIONS = 5_000;

/** Options of {@link SqliteConversationStore}. */
export interface SqliteConversationStoreOptions {
  /**
   * How many conversations' fact sets to keep in memory (least recently used dropped first);
   * 0 turns the cache off. Default {@link DEFAULT_CACHED_CONVERSATIONS}. A cached conversation
   * costs heap in proportion to its events (docs/processing.md gives the figure); keep the cache
   * above the number of conversations in progress at once, or their events read their facts back
   * from the table (still correct, a few times slower).
   */
  cacheConversations?: number;
}

/** Counters of the fact-set cache since the store was created. */
export interface ConversationCacheStats {
  /** Conversations cached now. */
  size: number;
  capacity: number;
  /** `applyFact` and `addFact` calls served from the cache. */
  hits: number;
  /** `applyFact` and `addFact` calls that read the conversation’s facts from the table. */
  misses: number;
  /** Cached conversations found out of date (written by someone else, or rolled back) and reloaded. */
  reloads: number;
  evictions: number;
}

/** A cached conversation: its facts in canonical order, their fold, their log rowids, and the row version last written or read. */
interface Entry {
  facts: ConversationFact[];
  /** The fold of `facts` (`undefined` while there are none). */
  fold: ProjectionFold | undefined;
  /** Log rowids of the facts, in the order they were appended. */
  rowids: number[];
  /** `undefined`: no `conversations` row yet. */
  version: number | undefined;
  /** The `conversations` row's rowid, once it exists. */
  rowid: number | undefined;
  /** The row's typed columns as last written or read: while they stay the same, a write leaves them (and the aggregates' trigger) out. */
  columns: Columns | undefined;
}

/** The typed columns of a `conversations` row. */
interface Columns {
  state: string;
  answered: number;
  abandoned: number;
  handleMs: number;
  waitingQueueId: string | null;
}

/** Most distinct shared values kept (a contact centre has thousands of queues and agents, not millions). */
const MAX_SHARED_VALUES = 100_000;

/**
 * One copy of each repeated string, so that a cached conversation costs its own data only
 * (about half the memory of facts as parsed: every fact would otherwise carry its own copy of
 * the conversation id, topic, queue and agent ids).
 */
class StringPool {
  readonly #values = new Map<string, string>();
  get<T extends string | undefined>(value: T): T {
    if (value === undefined) return value;
    const known = this.#values.get(value);
    if (known !== undefined) return known as T;
    if (this.#values.size < MAX_SHARED_VALUES) this.#values.set(value, value);
    return value;
  }
}

/**
 * A copy of `fact` for the cache: values that repeat across conversations (the org's queues,
 * agents, codes, enumerations) shared, and every field present in one order — absent ones as
 * `undefined`, which JSON leaves out as it leaves out a missing field — so that all cached facts
 * have one shape and the fold reads them at full speed.
 */
function compactFact(fact: ConversationFact, conversationId: string, pool: StringPool): ConversationFact {
  return {
    key: fact.key,
    conversationId,
    topic: pool.get(fact.topic),
    eventTime: fact.eventTime,
    participantId: fact.participantId,
    sessionId: fact.sessionId,
    mediaType: pool.get(fact.mediaType),
    direction: pool.get(fact.direction),
    ani: fact.ani,
    dnis: pool.get(fact.dnis),
    queueId: pool.get(fact.queueId),
    userId: pool.get(fact.userId),
    acdOutcome: pool.get(fact.acdOutcome),
    disconnectType: pool.get(fact.disconnectType),
    connectedDurationMs: fact.connectedDurationMs,
    interactingDurationMs: fact.interactingDurationMs,
    heldDurationMs: fact.heldDurationMs,
    wrapupDurationMs: fact.wrapupDurationMs,
    wrapupCode: pool.get(fact.wrapupCode),
  };
}

/** `new Date().toISOString()`, made once per millisecond (`updated_at` of the rows written in it). */
let isoMillis = Number.NaN;
let isoText = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMillis) {
    isoMillis = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

/** Thrown inside the transaction when the cached copy turns out to be out of date: rolls it back for a retry. */
const STALE = Symbol('stale conversation cache');

/**
 * {@link ConversationStore} on SQLite.
 *
 * @example
 * const db = openSqliteDatabase('pipeline.db');
 * const store = new SqliteConversationStore(db, { cacheConversations: 20_000 });
 * await store.applyFact(factOf(event));
 */
export class SqliteConversationStore implements ConversationStore {
  readonly #apply: (fact: ConversationFact, project: boolean) => ConversationProjection | undefined;
  readonly #get: (conversationId: string) => ConversationProjection | undefined;
  readonly #cache: LruMap<string, Entry>;
  readonly #stats = { hits: 0, misses: 0, reloads: 0 };

  constructor(db: SqliteDatabase, options: SqliteConversationStoreOptions = {}) {
    const capacity = options.cacheConversations ?? DEFAULT_CACHED_CONVERSATIONS;
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(
        `cacheConversations must be a whole number ≥ 0 (0 turns the cache off), got ${String(capacity)}.`,
      );
    }
    this.#cache = new LruMap(capacity);
    ensureConversationSchema(db);

    const pool = new StringPool();
    const appendFact = db.prepare('INSERT INTO conversation_fact_log (fact) VALUES (?)');
    const removeFact = db.prepare('DELETE FROM conversation_fact_log WHERE rowid = ?');
    const selectRow = db.prepare(
      'SELECT rowid, version, fact_rowids AS rowids, state, answered, abandoned, handle_ms AS handleMs, waiting_queue_id AS waitingQueueId FROM conversations WHERE conversation_id = ?',
    );
    const selectFacts = db
      .prepare('SELECT fact FROM conversation_fact_log WHERE rowid IN (SELECT value FROM json_each(?))')
      .pluck();
    const selectVersion = db.prepare('SELECT version FROM conversations WHERE rowid = ?').pluck();
    const insertRow = db.prepare(
      'INSERT INTO conversations (fact_rowids, updated_at, version, update_seq, state, answered, abandoned, waiting_queue_id, handle_ms, conversation_id) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id) DO NOTHING',
    );
    const updateRow = db.prepare(
      'UPDATE conversations SET fact_rowids = ?, updated_at = ?, version = ?, update_seq = ?, state = ?, answered = ?, abandoned = ?, waiting_queue_id = ?, handle_ms = ? ' +
        'WHERE rowid = ? AND version = ?',
    );
    // The same when the typed columns are unchanged (most events): fewer values, and no trigger to run.
    const updateOrder = db.prepare(
      'UPDATE conversations SET fact_rowids = ?, updated_at = ?, version = ?, update_seq = ? WHERE rowid = ? AND version = ?',
    );
    const selectStored = db.prepare('SELECT fact_rowids FROM conversations WHERE conversation_id = ?').pluck();
    const project = conversationReader(db);
    const decodeCompact = (text: string, conversationId: string): ConversationFact =>
      compactFact(decodeFact(text, conversationId), conversationId, pool);

    /** The conversation as stored: its row's version and the facts its row lists. */
    const load = (conversationId: string): Entry => {
      const row = selectRow.get(conversationId) as
        | {
            rowid: number;
            version: number;
            rowids: string;
            state: string;
            answered: number;
            abandoned: number;
            handleMs: number;
            waitingQueueId: string | null;
          }
        | undefined;
      if (!row)
        return { facts: [], fold: undefined, rowids: [], version: undefined, rowid: undefined, columns: undefined };
      const facts = readFacts(selectFacts, conversationId, row.rowids, decodeCompact);
      return {
        facts,
        fold: facts.length > 0 ? ProjectionFold.of(facts) : undefined,
        rowids: JSON.parse(row.rowids) as number[],
        version: row.version,
        rowid: row.rowid,
        columns: {
          state: row.state,
          answered: row.answered,
          abandoned: row.abandoned,
          handleMs: row.handleMs,
          waitingQueueId: row.waitingQueueId,
        },
      };
    };

    /**
     * The writes of one fact, in a transaction: the caller's when one is open (no savepoint: the
     * only write that can precede a failure, the fact's log row, is removed again on the way out,
     * and each statement is atomic on its own), else one of its own (see `#apply`).
     */
    const applyIn = (
      fact: ConversationFact,
      cached: Entry | undefined,
      project: boolean,
    ): ConversationProjection | undefined => {
      const id = fact.conversationId;
      const entry = cached ?? load(id);
      const compact = compactFact(fact, entry.facts[0]?.conversationId ?? id, pool);
      if (insertCanonicalAt(entry.facts, compact) < 0) {
        // A duplicate: nothing to write, if the set it was checked against is the stored one.
        if (cached && cached.version !== selectVersion.get(cached.rowid)) throw STALE;
        if (!cached) this.#cache.set(id, entry);
        return project ? entry.fold!.projection() : undefined;
      }
      // The log's rowids grow with every append and are never reused by a committed row: the fact's
      // rowid is also this write's place in the "most recently updated" order (update_seq).
      const factRowid = Number(appendFact.run(encodeFact(compact)).lastInsertRowid);
      try {
        entry.rowids.push(factRowid);
        if (!entry.fold?.append(compact, entry.facts)) entry.fold = ProjectionFold.of(entry.facts);
        const fold = entry.fold;
        const version = newRowVersion();
        const rowids = JSON.stringify(entry.rowids);
        const updatedAt = isoNow();
        const state = fold.state;
        const answered = fold.answered ? 1 : 0;
        const abandoned = fold.abandoned ? 1 : 0;
        const waitingQueueId = fold.waitingQueueId ?? null;
        const handleMs = fold.handleMs;
        const known = entry.columns;
        const unchanged =
          known !== undefined &&
          known.state === state &&
          known.answered === answered &&
          known.abandoned === abandoned &&
          known.handleMs === handleMs &&
          known.waitingQueueId === waitingQueueId;
        if (entry.rowid === undefined) {
          const inserted = insertRow.run(
            rowids,
            updatedAt,
            version,
            factRowid,
            state,
            answered,
            abandoned,
            waitingQueueId,
            handleMs,
            id,
          );
          if (inserted.changes === 0)
            throw new Error(
              `Conversation ${id} was created while this transaction held the write lock; this is a bug.`,
            );
          entry.rowid = Number(inserted.lastInsertRowid);
        } else if (
          (unchanged
            ? updateOrder.run(rowids, updatedAt, version, factRowid, entry.rowid, entry.version)
            : updateRow.run(
                rowids,
                updatedAt,
                version,
                factRowid,
                state,
                answered,
                abandoned,
                waitingQueueId,
                handleMs,
                entry.rowid,
                entry.version,
              )
          ).changes === 0
        ) {
          // Someone else wrote the row (possible only with a cached copy: `load` read it under this transaction's lock).
          if (cached) throw STALE;
          throw new Error(`Conversation ${id} changed while this transaction held the write lock; this is a bug.`);
        }
        entry.version = version;
        if (!unchanged) entry.columns = { state, answered, abandoned, handleMs, waitingQueueId };
        if (!cached) this.#cache.set(id, entry);
        return project ? fold.projection() : undefined;
      } catch (error) {
        // Undo the append (the transaction is still open: a statement error rolls back only the statement).
        if (db.inTransaction) removeFact.run(factRowid);
        throw error;
      }
    };
    const applyTransaction = db.transaction(applyIn);
    const applyOnce = (
      fact: ConversationFact,
      cached: Entry | undefined,
      project: boolean,
    ): ConversationProjection | undefined =>
      db.inTransaction ? applyIn(fact, cached, project) : applyTransaction.immediate(fact, cached, project);

    this.#apply = (fact, project) => {
      const cached = this.#cache.get(fact.conversationId);
      if (cached) this.#stats.hits++;
      else this.#stats.misses++;
      try {
        return applyOnce(fact, cached, project);
      } catch (error) {
        // Whatever the cache learnt in the failed attempt is forgotten (its writes were undone).
        this.#cache.delete(fact.conversationId);
        if (error !== STALE) throw error;
        this.#stats.reloads++;
        try {
          return applyOnce(fact, undefined, project);
        } catch (retryError) {
          this.#cache.delete(fact.conversationId);
          throw retryError;
        }
      }
    };
    this.#get = (conversationId) => {
      const factRowids = selectStored.get(conversationId) as string | undefined;
      return factRowids === undefined ? undefined : project(conversationId, factRowids);
    };
  }

  /**
   * Adds one fact and returns the conversation's projection over every fact stored so far.
   * Idempotent per fact key.
   */
  async applyFact(fact: ConversationFact): Promise<ConversationProjection> {
    return this.#apply(fact, true)!;
  }

  /** {@link applyFact}, synchronously (SQLite work is synchronous; for callers batching in one transaction). */
  applyFactNow(fact: ConversationFact): ConversationProjection {
    return this.#apply(fact, true)!;
  }

  /**
   * {@link applyFact} without building the projection to return (what the projection sink
   * never reads it, so none is built).
   */
  async addFact(fact: ConversationFact): Promise<void> {
    this.#apply(fact, false);
  }

  async get(conversationId: string): Promise<ConversationProjection | undefined> {
    return this.#get(conversationId);
  }

  /** Hit, miss, reload and eviction counts of the fact-set cache. */
  cacheStats(): ConversationCacheStats {
    return { size: this.#cache.size, capacity: this.#cache.capacity, evictions: this.#cache.evictions, ...this.#stats };
  }

  /** Empties the fact-set cache (the next event of each conversation reads its facts from the table). */
  clearCache(): void {
    this.#cache.clear();
  }
}
