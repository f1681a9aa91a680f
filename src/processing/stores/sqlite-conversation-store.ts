/**
 * The conversation projection in SQLite (schema: `sqlite-conversation-schema.ts`): facts
 * appended to `conversation_fact_log`, and per conversation a `conversations` row with the
 * projection as JSON, the rowids of its facts, and typed columns the queries use.
 *
 * `applyFact` costs about 15 µs of CPU plus its share of the commit (warm cache; see the
 * `processing` benchmark) and dirties no random page: the fact is appended to the log, and the
 * conversation's row rewritten. It keeps the canonical fact set of recently active conversations
 * in memory (an LRU bounded by a number of conversations), so it neither re-reads nor re-parses a
 * conversation's facts; on a miss it reads them through the row's rowid list.
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
 * Transactions: each `applyFact` is one transaction (`BEGIN IMMEDIATE` when none is open), or a
 * savepoint inside a transaction the caller already opened (better-sqlite3 nests a transaction
 * function as `SAVEPOINT`, whichever of `deferred`/`immediate` was asked for) — so a runtime can
 * group many events into one commit. SQLite serializes writers (threads or processes), so no
 * update is lost.
 */
import { assertFact } from '../facts.js';
import type { ConversationFact } from '../facts.js';
import { canonicalFacts, insertCanonical, projectCanonical } from '../projection.js';
import type { ConversationProjection } from '../projection.js';
import type { ConversationStore } from './conversation-store.js';
import { LruMap } from './lru-map.js';
import { columnsOf, ensureConversationSchema, newRowVersion } from './sqlite-conversation-schema.js';
import type { SqliteDatabase } from './sqlite.js';

/** Default of {@link SqliteConversationStoreOptions.cacheConversations}. */
export const DEFAULT_CACHED_CONVERSATIONS = 5_000;

/** Options of {@link SqliteConversationStore}. */
export interface SqliteConversationStoreOptions {
  /**
   * How many conversations' fact sets to keep in memory (least recently used dropped first);
   * 0 turns the cache off. Default {@link DEFAULT_CACHED_CONVERSATIONS}. A cached conversation
   * costs about 4.5 KB of heap (about 0.4 KB per event; measured in the `processing` benchmark);
   * keep it above the number of conversations in progress at once, or their events read their
   * facts back from the table (still correct, a few times slower).
   */
  cacheConversations?: number;
}

/** Counters of the fact-set cache since the store was created. */
export interface ConversationCacheStats {
  /** Conversations cached now. */
  size: number;
  capacity: number;
  /** `applyFact` calls served from the cache. */
  hits: number;
  /** `applyFact` calls that read the conversation's facts from the table. */
  misses: number;
  /** Cached conversations found out of date (written by someone else, or rolled back) and reloaded. */
  reloads: number;
  evictions: number;
}

/** A cached conversation: its facts in canonical order, their log rowids, and the row version last written or read. */
interface Entry {
  facts: ConversationFact[];
  /** Log rowids of the facts, in the order they were appended. */
  rowids: number[];
  /** `undefined`: no `conversations` row yet. */
  version: number | undefined;
  /** The `conversations` row's rowid, once it exists. */
  rowid: number | undefined;
}

/** Fields whose values repeat across conversations (the org's queues, agents, codes, enumerations). */
const SHARED_VALUE_FIELDS = ['mediaType', 'direction', 'dnis', 'queueId', 'userId', 'acdOutcome', 'disconnectType', 'wrapupCode'] as const;
/** Fields copied as they are. */
const OWN_VALUE_FIELDS = ['participantId', 'sessionId', 'ani', 'connectedDurationMs', 'interactingDurationMs', 'heldDurationMs', 'wrapupDurationMs'] as const;
/** Most distinct shared values kept (a contact centre has thousands of queues and agents, not millions). */
const MAX_SHARED_VALUES = 100_000;

/**
 * One copy of each repeated string, so that a cached conversation costs its own data only
 * (about half the memory of facts as parsed: every fact would otherwise carry its own copy of
 * the conversation id, topic, queue and agent ids).
 */
class StringPool {
  readonly #values = new Map<string, string>();
  get(value: string): string {
    const known = this.#values.get(value);
    if (known !== undefined) return known;
    if (this.#values.size < MAX_SHARED_VALUES) this.#values.set(value, value);
    return value;
  }
}

/** A copy of `fact` for the cache: repeated strings shared, properties in one order. */
function compactFact(fact: ConversationFact, conversationId: string, pool: StringPool): ConversationFact {
  const out: ConversationFact = { key: fact.key, conversationId, topic: pool.get(fact.topic) as ConversationFact['topic'], eventTime: fact.eventTime };
  for (const field of SHARED_VALUE_FIELDS) {
    const value = fact[field];
    if (value !== undefined) out[field] = pool.get(value);
  }
  for (const field of OWN_VALUE_FIELDS) {
    const value = fact[field];
    if (value !== undefined) (out as unknown as Record<string, unknown>)[field] = value;
  }
  return out;
}

/** Thrown inside the transaction when the cached copy turns out to be out of date: rolls it back for a retry. */
const STALE = Symbol('stale conversation cache');

/**
 * {@link ConversationStore} on SQLite.
 *
 * @example
 * const db = openProcessingDatabase('pipeline.db');
 * const store = new SqliteConversationStore(db, { cacheConversations: 20_000 });
 * await store.applyFact(factOf(event));
 */
export class SqliteConversationStore implements ConversationStore {
  readonly #apply: (fact: ConversationFact) => ConversationProjection;
  readonly #get: (conversationId: string) => ConversationProjection | undefined;
  readonly #cache: LruMap<string, Entry>;
  readonly #stats = { hits: 0, misses: 0, reloads: 0 };

  constructor(db: SqliteDatabase, options: SqliteConversationStoreOptions = {}) {
    const capacity = options.cacheConversations ?? DEFAULT_CACHED_CONVERSATIONS;
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`cacheConversations must be a whole number ≥ 0 (0 turns the cache off), got ${String(capacity)}.`);
    }
    this.#cache = new LruMap(capacity);
    ensureConversationSchema(db);

    const pool = new StringPool();
    const appendFact = db.prepare('INSERT INTO conversation_fact_log (fact) VALUES (?)');
    const selectRow = db.prepare('SELECT rowid, version, fact_rowids AS rowids FROM conversations WHERE conversation_id = ?');
    const selectFacts = db.prepare('SELECT fact FROM conversation_fact_log WHERE rowid IN (SELECT value FROM json_each(?))').pluck();
    const selectVersion = db.prepare('SELECT version FROM conversations WHERE rowid = ?').pluck();
    const insertRow = db.prepare(
      'INSERT INTO conversations (projection, fact_rowids, updated_at, version, update_seq, state, answered, abandoned, waiting_queue_id, handle_ms, conversation_id) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id) DO NOTHING',
    );
    const updateRow = db.prepare(
      'UPDATE conversations SET projection = ?, fact_rowids = ?, updated_at = ?, version = ?, update_seq = ?, state = ?, answered = ?, abandoned = ?, waiting_queue_id = ?, handle_ms = ? ' +
        'WHERE rowid = ? AND version = ?',
    );
    const selectProjection = db.prepare('SELECT projection FROM conversations WHERE conversation_id = ?').pluck();

    /** The conversation as stored: its row's version and the facts its row lists. */
    const load = (conversationId: string): Entry => {
      const row = selectRow.get(conversationId) as { rowid: number; version: number; rowids: string } | undefined;
      if (!row) return { facts: [], rowids: [], version: undefined, rowid: undefined };
      const texts = selectFacts.all(row.rowids) as string[];
      const facts = canonicalFacts(texts.map((text) => compactFact(assertFact(JSON.parse(text), `conversation_fact_log of ${conversationId}`), conversationId, pool)));
      const rowids = JSON.parse(row.rowids) as number[];
      if (facts.length !== rowids.length) {
        throw new Error(`Conversation ${conversationId} lists ${rowids.length} facts but ${facts.length} distinct ones were found in conversation_fact_log; the database is damaged.`);
      }
      return { facts, rowids, version: row.version, rowid: row.rowid };
    };

    const apply = db.transaction((fact: ConversationFact, cached: Entry | undefined): ConversationProjection => {
      const id = fact.conversationId;
      const entry = cached ?? load(id);
      if (!insertCanonical(entry.facts, compactFact(fact, entry.facts[0]?.conversationId ?? id, pool))) {
        // A duplicate: nothing to write, if the set it was checked against is the stored one.
        if (cached && cached.version !== selectVersion.get(cached.rowid)) throw STALE;
        if (!cached) this.#cache.set(id, entry);
        return projectCanonical(entry.facts);
      }
      // The log's rowids grow with every append and are never reused by a committed row: the fact's
      // rowid is also this write's place in the "most recently updated" order (update_seq).
      const factRowid = Number(appendFact.run(JSON.stringify(fact)).lastInsertRowid);
      entry.rowids.push(factRowid);
      const projection = projectCanonical(entry.facts);
      const c = columnsOf(projection);
      const version = newRowVersion();
      const values = [
        JSON.stringify(projection), JSON.stringify(entry.rowids), new Date().toISOString(), version, factRowid,
        c.state, c.answered, c.abandoned, c.waitingQueueId, c.handleMs,
      ];
      if (entry.rowid === undefined) {
        const inserted = insertRow.run(...values, id);
        if (inserted.changes === 0) throw new Error(`Conversation ${id} was created while this transaction held the write lock; this is a bug.`);
        entry.rowid = Number(inserted.lastInsertRowid);
      } else if (updateRow.run(...values, entry.rowid, entry.version).changes === 0) {
        // Someone else wrote the row (possible only with a cached copy: `load` read it under this transaction's lock).
        if (cached) throw STALE;
        throw new Error(`Conversation ${id} changed while this transaction held the write lock; this is a bug.`);
      }
      entry.version = version;
      this.#cache.set(id, entry);
      return projection;
    });

    this.#apply = (fact) => {
      const cached = this.#cache.get(fact.conversationId);
      if (cached) this.#stats.hits++;
      else this.#stats.misses++;
      try {
        return apply.immediate(fact, cached);
      } catch (error) {
        // The transaction (or savepoint) was rolled back: forget whatever the cache learnt in it.
        this.#cache.delete(fact.conversationId);
        if (error !== STALE) throw error;
        this.#stats.reloads++;
        try {
          return apply.immediate(fact, undefined);
        } catch (retryError) {
          this.#cache.delete(fact.conversationId);
          throw retryError;
        }
      }
    };
    this.#get = (conversationId) => {
      const text = selectProjection.get(conversationId) as string | undefined;
      return text === undefined ? undefined : (JSON.parse(text) as ConversationProjection);
    };
  }

  /**
   * Adds one fact and returns the conversation's projection over every fact stored so far.
   * Idempotent per fact key.
   */
  async applyFact(fact: ConversationFact): Promise<ConversationProjection> {
    return this.#apply(fact);
  }

  /** {@link applyFact}, synchronously (SQLite work is synchronous; for callers batching in one transaction). */
  applyFactNow(fact: ConversationFact): ConversationProjection {
    return this.#apply(fact);
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
