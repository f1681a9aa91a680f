/**
 * The projections besides conversations on SQLite (schema: `sqlite-projection-schema.ts`):
 * agent state, audit log, transcripts, generic events. Each class is both the write port the
 * processor uses and the read side the local HTTP API uses (open a second instance on a read-only
 * connection for reads, as the runtime does).
 *
 * Writes are idempotent and order-insensitive by construction (see the schema). Each write is one
 * transaction when none is open, or a savepoint inside the caller's (the runtime's group commit):
 * a write that fails leaves nothing behind either way.
 */
import type { Transaction } from 'better-sqlite3';
import { currentOf, projectAgent } from '../agent-state.js';
import type {
  AgentState,
  AgentStateFact,
  AgentStateWithHistory,
  CurrentPresence,
  CurrentRoutingStatus,
} from '../agent-state.js';
import type { AuditLogEntry, AuditQuery } from '../audit-log.js';
import type { GenericEventQuery, GenericEventRecord } from '../generic-events.js';
import { compareUtterances, utteranceRank } from '../transcripts.js';
import type { Transcript, Utterance } from '../transcripts.js';
import type { AgentStateStore, AuditLogStore, GenericEventStore, TranscriptStore } from './projection-stores.js';
import { ensureProjectionSchema } from './sqlite-projection-schema.js';
import type { SqliteDatabase } from '../../sqlite/index.js';

/** Runs a write transaction function: a savepoint inside an open transaction, else its own immediate transaction. */
function run<A extends unknown[]>(db: SqliteDatabase, write: Transaction<(...args: A) => void>, ...args: A): void {
  if (db.inTransaction) write(...args);
  else write.immediate(...args);
}

/** Reads in one snapshot: a read transaction when none is open. */
function snapshot<A extends unknown[], R>(db: SqliteDatabase, read: (...args: A) => R): (...args: A) => R {
  const inTransaction = db.transaction(read);
  return (...args) => (db.inTransaction ? read(...args) : inTransaction.deferred(...args));
}

/** Agents by routing status, as the dashboard's agent panel shows them. */
export interface AgentStatusCounts {
  /** Logged-in agents (presence other than `OFFLINE`) by routing status; `UNKNOWN` when none was reported. */
  byRoutingStatus: Record<string, number>;
  /** Users whose presence is `OFFLINE` (logged off). */
  offline: number;
  /** Every user with a known state. */
  total: number;
}

interface AgentRow {
  userId: string;
  presenceStatus: string | null;
  presenceDefinitionId: string | null;
  presenceMessage: string | null;
  presenceSince: number | null;
  routingStatus: string | null;
  routingSince: number | null;
}

/**
 * {@link AgentStateStore} on SQLite, with the reads of `GET /api/agents` and the dashboard.
 *
 * @example
 * const agents = new SqliteAgentStateStore(db);
 * await agents.applyFacts(agentFactsOf(event));
 * agents.list(); // every user's current state
 */
export class SqliteAgentStateStore implements AgentStateStore {
  readonly #db: SqliteDatabase;
  readonly #write: Transaction<(facts: readonly AgentStateFact[]) => void>;
  readonly #get: (userId: string) => AgentStateWithHistory | undefined;
  readonly #list: (limit: number) => AgentState[];
  readonly #counts: () => AgentStatusCounts;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    ensureProjectionSchema(db);
    const insertFact = db.prepare(
      'INSERT OR IGNORE INTO agent_state_facts (user_id, fact_id, dimension, since_ms, status, presence_definition_id, message) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // The later (since, fact id) wins; NULL (no fact of that dimension yet) always loses.
    const routing = db.prepare(
      `INSERT INTO agents (user_id, routing_status, routing_since, routing_fact_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET routing_status = excluded.routing_status, routing_since = excluded.routing_since, routing_fact_id = excluded.routing_fact_id
       WHERE agents.routing_since IS NULL OR (excluded.routing_since, excluded.routing_fact_id) > (agents.routing_since, agents.routing_fact_id)`,
    );
    const presence = db.prepare(
      `INSERT INTO agents (user_id, presence_status, presence_definition_id, presence_message, presence_since, presence_fact_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET presence_status = excluded.presence_status, presence_definition_id = excluded.presence_definition_id,
         presence_message = excluded.presence_message, presence_since = excluded.presence_since, presence_fact_id = excluded.presence_fact_id
       WHERE agents.presence_since IS NULL OR (excluded.presence_since, excluded.presence_fact_id) > (agents.presence_since, agents.presence_fact_id)`,
    );
    this.#write = db.transaction((facts: readonly AgentStateFact[]) => {
      for (const f of facts) {
        const inserted = insertFact.run(
          f.userId,
          f.id,
          f.dimension,
          f.since,
          f.status,
          f.presenceDefinitionId ?? null,
          f.message ?? null,
        ).changes;
        if (inserted === 0) continue;
        if (f.dimension === 'routing') routing.run(f.userId, f.status, f.since, f.id);
        else presence.run(f.userId, f.status, f.presenceDefinitionId ?? null, f.message ?? null, f.since, f.id);
      }
    });

    const facts = db.prepare(
      'SELECT user_id AS userId, fact_id AS id, dimension, since_ms AS since, status, presence_definition_id AS presenceDefinitionId, message FROM agent_state_facts WHERE user_id = ?',
    );
    this.#get = snapshot(db, (userId: string) => {
      const rows = facts.all(userId) as (AgentStateFact & {
        presenceDefinitionId: string | null;
        message: string | null;
      })[];
      if (rows.length === 0) return undefined;
      return projectAgent(userId, rows.map(withoutNulls));
    });
    const list = db.prepare(
      `SELECT user_id AS userId, presence_status AS presenceStatus, presence_definition_id AS presenceDefinitionId, presence_message AS presenceMessage,
         presence_since AS presenceSince, routing_status AS routingStatus, routing_since AS routingSince
       FROM agents ORDER BY user_id LIMIT ?`,
    );
    this.#list = snapshot(db, (limit: number) => (list.all(limit) as AgentRow[]).map(stateOf));
    const counts = db.prepare(
      `SELECT CASE WHEN presence_status = 'OFFLINE' THEN NULL ELSE COALESCE(routing_status, 'UNKNOWN') END AS status, COUNT(*) AS n
       FROM agents GROUP BY 1`,
    );
    this.#counts = snapshot(db, () => {
      const result: AgentStatusCounts = { byRoutingStatus: {}, offline: 0, total: 0 };
      for (const row of counts.all() as { status: string | null; n: number }[]) {
        result.total += row.n;
        if (row.status === null) result.offline += row.n;
        else result.byRoutingStatus[row.status] = row.n;
      }
      return result;
    });
  }

  async applyFacts(facts: readonly AgentStateFact[]): Promise<void> {
    run(this.#db, this.#write, facts);
  }

  async get(userId: string): Promise<AgentStateWithHistory | undefined> {
    return this.#get(userId);
  }

  /** Every user's current state, by user id, at most `limit`. */
  list(limit = 10_000): AgentState[] {
    return this.#list(limit);
  }

  /** Users by routing status now (a scan of `agents`: one row per user, thousands at most). */
  statusCounts(): AgentStatusCounts {
    return this.#counts();
  }
}

function withoutNulls<T extends object>(row: T): T {
  for (const key of Object.keys(row) as (keyof T)[]) if (row[key] === null) delete row[key];
  return row;
}

function stateOf(row: AgentRow): AgentState {
  const state: AgentState = { userId: row.userId };
  if (row.presenceStatus !== null && row.presenceSince !== null) {
    state.presence = currentOf({
      userId: row.userId,
      id: '',
      dimension: 'presence',
      since: row.presenceSince,
      status: row.presenceStatus,
      ...(row.presenceDefinitionId !== null ? { presenceDefinitionId: row.presenceDefinitionId } : {}),
      ...(row.presenceMessage !== null ? { message: row.presenceMessage } : {}),
    }) as CurrentPresence;
  }
  if (row.routingStatus !== null && row.routingSince !== null)
    state.routingStatus = { status: row.routingStatus, since: row.routingSince } satisfies CurrentRoutingStatus;
  return state;
}

/**
 * A prepared query per combination of filters: `where` lists the columns compared for equality,
 * `from`/`to` bound the time column; newest first.
 */
class FilteredQuery<Q extends { from?: number; to?: number; limit: number }> {
  readonly #statements = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  constructor(
    private readonly db: SqliteDatabase,
    private readonly table: string,
    private readonly column: string,
    private readonly timeColumn: string,
    private readonly keyColumn: string,
    private readonly filters: Readonly<Record<string, string>>,
  ) {}

  all(query: Q): string[] {
    const clauses: string[] = [];
    const values: unknown[] = [];
    for (const [field, column] of Object.entries(this.filters)) {
      const value = (query as Record<string, unknown>)[field];
      if (value !== undefined) {
        clauses.push(`${column} = ?`);
        values.push(value);
      }
    }
    if (query.from !== undefined) {
      clauses.push(`${this.timeColumn} >= ?`);
      values.push(query.from);
    }
    if (query.to !== undefined) {
      clauses.push(`${this.timeColumn} < ?`);
      values.push(query.to);
    }
    const where = clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '';
    let statement = this.#statements.get(where);
    if (!statement) {
      statement = this.db
        .prepare(
          `SELECT ${this.column} FROM ${this.table}${where} ORDER BY ${this.timeColumn} DESC, ${this.keyColumn} DESC LIMIT ?`,
        )
        .pluck();
      this.#statements.set(where, statement);
    }
    return (statement.all as (...parameters: unknown[]) => unknown[])(...values, query.limit) as string[];
  }
}

/**
 * {@link AuditLogStore} on SQLite.
 *
 * @example
 * const audits = new SqliteAuditLogStore(db);
 * await audits.put(auditEntryOf(event));
 * await audits.query({ entityType: 'Queue', entityId: '7c1…', limit: 50 });
 */
export class SqliteAuditLogStore implements AuditLogStore {
  readonly #db: SqliteDatabase;
  readonly #insert: Transaction<(entry: AuditLogEntry) => void>;
  readonly #query: FilteredQuery<AuditQuery>;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    ensureProjectionSchema(db);
    const insert = db.prepare(
      'INSERT OR IGNORE INTO audit_log (event_key, entity_type, entity_id, user_id, event_time_ms, entry) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#insert = db.transaction((e: AuditLogEntry) => {
      insert.run(e.key, e.entityType, e.entityId, e.userId ?? null, e.time, JSON.stringify(e));
    });
    this.#query = new FilteredQuery(db, 'audit_log', 'entry', 'event_time_ms', 'event_key', {
      entityType: 'entity_type',
      entityId: 'entity_id',
      userId: 'user_id',
    });
  }

  async put(entry: AuditLogEntry): Promise<void> {
    run(this.#db, this.#insert, entry);
  }

  async query(query: AuditQuery): Promise<AuditLogEntry[]> {
    return this.#query.all(query).map((text) => JSON.parse(text) as AuditLogEntry);
  }
}

/**
 * {@link TranscriptStore} on SQLite.
 *
 * @example
 * const transcripts = new SqliteTranscriptStore(db);
 * await transcripts.putUtterances(utterancesOf(event));
 * (await transcripts.get(conversationId))?.utterances;
 */
export class SqliteTranscriptStore implements TranscriptStore {
  readonly #db: SqliteDatabase;
  readonly #write: Transaction<(utterances: readonly Utterance[]) => void>;
  readonly #get: (conversationId: string) => Transcript | undefined;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    ensureProjectionSchema(db);
    // The higher rank wins (final before interim, then the later event, then the larger key).
    const upsert = db.prepare(
      `INSERT INTO transcript_utterances (conversation_id, utterance_id, rank, start_ms, utterance) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, utterance_id) DO UPDATE SET rank = excluded.rank, start_ms = excluded.start_ms, utterance = excluded.utterance
       WHERE excluded.rank > transcript_utterances.rank`,
    );
    this.#write = db.transaction((utterances: readonly Utterance[]) => {
      for (const u of utterances)
        upsert.run(u.conversationId, u.utteranceId, utteranceRank(u), u.startMs ?? null, JSON.stringify(u));
    });
    const select = db
      .prepare('SELECT utterance FROM transcript_utterances WHERE conversation_id = ? ORDER BY start_ms, utterance_id')
      .pluck();
    this.#get = snapshot(db, (conversationId: string) => {
      const texts = select.all(conversationId) as string[];
      if (texts.length === 0) return undefined;
      // SQL puts unknown starts (NULL) first; the projection's order puts them last.
      return { conversationId, utterances: texts.map((t) => JSON.parse(t) as Utterance).sort(compareUtterances) };
    });
  }

  async putUtterances(utterances: readonly Utterance[]): Promise<void> {
    run(this.#db, this.#write, utterances);
  }

  async get(conversationId: string): Promise<Transcript | undefined> {
    return this.#get(conversationId);
  }
}

/**
 * {@link GenericEventStore} on SQLite.
 *
 * @example
 * const events = new SqliteGenericEventStore(db);
 * await events.put(genericRecordOf(event));
 * await events.query({ topic: 'v2.operations.events.{id}', limit: 20 });
 */
export class SqliteGenericEventStore implements GenericEventStore {
  readonly #db: SqliteDatabase;
  readonly #insert: Transaction<(record: GenericEventRecord) => void>;
  readonly #query: FilteredQuery<GenericEventQuery>;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    ensureProjectionSchema(db);
    const insert = db.prepare(
      'INSERT OR IGNORE INTO generic_events (event_key, topic, entity_id, event_time_ms, record) VALUES (?, ?, ?, ?, ?)',
    );
    this.#insert = db.transaction((r: GenericEventRecord) => {
      insert.run(r.key, r.topic, r.entityId ?? null, r.time, JSON.stringify(r));
    });
    this.#query = new FilteredQuery(db, 'generic_events', 'record', 'event_time_ms', 'event_key', {
      topic: 'topic',
      entityId: 'entity_id',
    });
  }

  async put(record: GenericEventRecord): Promise<void> {
    run(this.#db, this.#insert, record);
  }

  async query(query: GenericEventQuery): Promise<GenericEventRecord[]> {
    return this.#query.all(query).map((text) => JSON.parse(text) as GenericEventRecord);
  }
}
