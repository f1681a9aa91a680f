/**
 * The read port of the conversation projection: what the local runtime's conversation routes
 * (`GET /api/conversations[/:id]`) read through. Adapter: SQLite ({@link SqliteConversationQueries}).
 */

/** The conversation states a listing can filter on (the projection's states). */
export const CONVERSATION_STATES = ['active', 'ended'] as const;
/** A conversation state, as in the conversation projection. */
export type ConversationState = (typeof CONVERSATION_STATES)[number];

/** A listing of conversations. */
export interface ConversationListQuery {
  /** Only conversations in this state; all when absent. */
  state?: ConversationState;
  /** At most this many. */
  limit: number;
}

/**
 * Reads of the projection store. Results are sent as JSON, as they are.
 *
 * @example
 * const conversations: ConversationQueries = {
 *   get: (id) => store.get(id),
 *   list: ({ state, limit }) => store.list({ state, limit }), // most recent first
 * };
 */
export interface ConversationQueries {
  /** The projection of one conversation, or `undefined` when the store has none. */
  get(conversationId: string): unknown | Promise<unknown>;
  /** Conversations matching the query, most recently updated first. */
  list(query: ConversationListQuery): readonly unknown[] | Promise<readonly unknown[]>;
}
