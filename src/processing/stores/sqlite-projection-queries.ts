/**
 * Read queries over the SQLite projections of agent state, audits, transcripts and generic
 * events, for the local runtime's HTTP routes (`ProjectionQueries`) and the dashboard's agent
 * panel. Open it on a read-only connection to the processing database (the runtime's
 * `processingReader`): each store's reads only.
 */
import type { ProjectionQueries } from './projection-queries.js';
import type { AgentState, AgentStateWithHistory } from '../agent-state.js';
import type { AuditLogEntry, AuditQuery } from '../audit-log.js';
import type { GenericEventQuery, GenericEventRecord } from '../generic-events.js';
import type { Transcript } from '../transcripts.js';
import {
  SqliteAgentStateStore,
  SqliteAuditLogStore,
  SqliteGenericEventStore,
  SqliteTranscriptStore,
} from './sqlite-projection-stores.js';
import type { AgentStatusCounts } from './sqlite-projection-stores.js';
import type { SqliteDatabase } from '../../sqlite/index.js';

/**
 * @example
 * const projections = new SqliteProjectionQueries(openSqliteDatabase(path, { readonly: true }));
 * const routes = createHttpRoutes({ telemetry, conversations, projections });
 */
export class SqliteProjectionQueries implements ProjectionQueries {
  readonly #agents: SqliteAgentStateStore;
  readonly #audits: SqliteAuditLogStore;
  readonly #transcripts: SqliteTranscriptStore;
  readonly #events: SqliteGenericEventStore;

  constructor(db: SqliteDatabase) {
    this.#agents = new SqliteAgentStateStore(db);
    this.#audits = new SqliteAuditLogStore(db);
    this.#transcripts = new SqliteTranscriptStore(db);
    this.#events = new SqliteGenericEventStore(db);
  }

  listAgents(): AgentState[] {
    return this.#agents.list();
  }

  agentStatusCounts(): AgentStatusCounts {
    return this.#agents.statusCounts();
  }

  getAgent(userId: string): Promise<AgentStateWithHistory | undefined> {
    return this.#agents.get(userId);
  }

  queryAudits(query: AuditQuery): Promise<AuditLogEntry[]> {
    return this.#audits.query(query);
  }

  getTranscript(conversationId: string): Promise<Transcript | undefined> {
    return this.#transcripts.get(conversationId);
  }

  queryEvents(query: GenericEventQuery): Promise<GenericEventRecord[]> {
    return this.#events.query(query);
  }
}
