/**
 * The port of the conversation projection's storage. Adapters: DynamoDB
 * ({@link DynamoDbConversationStore}) and SQLite ({@link SqliteConversationStore}).
 */
import type { ConversationFact } from '../facts.js';
import type { ConversationProjection } from '../projection.js';

/**
 * Keeps each conversation's facts and its projection. Implementations must make
 * {@link ConversationStore.applyFact} idempotent (the same fact twice changes nothing) and safe
 * under concurrent writers of one conversation (no lost update).
 */
export interface ConversationStore {
  /** Adds one fact to its conversation and returns the projection over every fact stored so far. */
  applyFact(fact: ConversationFact): Promise<ConversationProjection>;
  /**
   * Optional: {@link ConversationStore.applyFact} without returning the projection, for a store
   * that can then skip building it (`ConversationProjectionSink` uses it when present).
   */
  addFact?(fact: ConversationFact): Promise<void>;
  /**
   * Optional: adds the fact with one write that also tells whether its event is new — `true`
   * when this call stored it, `false` when it was already stored (then nothing changed). With
   * it, the fact itself is the event's idempotency claim (`claims.ts`): the processor keeps no
   * separate idempotency record for conversation events. Must be atomic (a conditional write).
   */
  claimFact?(fact: ConversationFact): Promise<boolean>;
  /** The stored projection of a conversation, or `undefined` when none of its events was applied. */
  get(conversationId: string): Promise<ConversationProjection | undefined>;
}
