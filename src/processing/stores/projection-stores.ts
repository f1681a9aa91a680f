/**
 * The ports of the projections of the families besides conversations: agent state, audit log,
 * transcripts, generic events. Adapters: SQLite (the local runtime, `sqlite-projection-stores.ts`)
 * and DynamoDB (`dynamodb-projection-stores.ts`). Every write must be idempotent (the same input
 * twice changes nothing) and order-insensitive (any order of writes ends in the same state).
 */
import type { AgentStateFact, AgentStateWithHistory } from '../agent-state.js';
import type { AuditLogEntry, AuditQuery } from '../audit-log.js';
import type { GenericEventQuery, GenericEventRecord } from '../generic-events.js';
import type { Transcript, Utterance } from '../transcripts.js';

/** Agent state facts and each user's current state. */
export interface AgentStateStore {
  /** Adds facts (one event's); a fact already stored changes nothing. */
  applyFacts(facts: readonly AgentStateFact[]): Promise<void>;
  /** A user's current state and history, or `undefined` when no fact of the user was applied. */
  get(userId: string): Promise<AgentStateWithHistory | undefined>;
}

/** The audit log. */
export interface AuditLogStore {
  /** Adds an entry; an entry with the same key already stored changes nothing. */
  put(entry: AuditLogEntry): Promise<void>;
  /** Entries matching the query, newest first. */
  query(query: AuditQuery): Promise<AuditLogEntry[]>;
}

/** Conversation transcripts. */
export interface TranscriptStore {
  /** Adds utterance reports; per utterance the highest-ranked report is kept (`utteranceRank`). */
  putUtterances(utterances: readonly Utterance[]): Promise<void>;
  /** A conversation's transcript, or `undefined` when none of its utterances was stored. */
  get(conversationId: string): Promise<Transcript | undefined>;
}

/** Events of topics without a typed model. */
export interface GenericEventStore {
  /** Adds a record; a record with the same key already stored changes nothing. */
  put(record: GenericEventRecord): Promise<void>;
  /** Records matching the query, newest first. */
  query(query: GenericEventQuery): Promise<GenericEventRecord[]>;
}
