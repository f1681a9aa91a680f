/**
 * The read port of the projections besides conversations: what the local runtime's routes and the
 * dashboard's agent panel read (the runtime answers it from SQLite on a read-only connection,
 * `SqliteProjectionQueries`). Each method may answer at once or with a promise.
 */
import type { AgentState, AgentStateWithHistory } from '../agent-state.js';
import type { AuditLogEntry, AuditQuery } from '../audit-log.js';
import type { GenericEventQuery, GenericEventRecord } from '../generic-events.js';
import type { Transcript } from '../transcripts.js';
import type { AgentStatusCounts } from './sqlite-projection-stores.js';

/** The projections' queries: agents, audits, transcripts and generic events. */
export interface ProjectionQueries {
  listAgents(): AgentState[] | Promise<AgentState[]>;
  agentStatusCounts(): AgentStatusCounts | Promise<AgentStatusCounts>;
  getAgent(userId: string): AgentStateWithHistory | undefined | Promise<AgentStateWithHistory | undefined>;
  queryAudits(query: AuditQuery): AuditLogEntry[] | Promise<AuditLogEntry[]>;
  getTranscript(conversationId: string): Transcript | undefined | Promise<Transcript | undefined>;
  queryEvents(query: GenericEventQuery): GenericEventRecord[] | Promise<GenericEventRecord[]>;
}
