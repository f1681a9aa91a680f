/**
 * Conversation facts: the part of one conversation event the projection needs, keyed by the
 * event's idempotency key.
 *
 * A conversation's projection is a pure fold over the *set* of its facts
 * ({@link projectConversation}), so it does not depend on the order events arrive in, and a
 * duplicate (same key) adds nothing. Stores keep the facts and recompute the projection.
 */
import type { ConversationEvent, ConversationTopic } from '../events/index.js';

/** The fields of one conversation event that the projection uses. Absent fields are omitted. */
export interface ConversationFact {
  /** The event's idempotency key (SHA-256 hex). */
  key: string;
  conversationId: string;
  topic: ConversationTopic;
  /** `eventBody.eventTime`, epoch ms. */
  eventTime: number;
  participantId?: string;
  /** The participant's session (a participant can have several, e.g. a callback and its call). */
  sessionId?: string;
  mediaType?: string;
  direction?: string;
  ani?: string;
  dnis?: string;
  queueId?: string;
  userId?: string;
  acdOutcome?: string;
  disconnectType?: string;
  connectedDurationMs?: number;
  interactingDurationMs?: number;
  heldDurationMs?: number;
  wrapupDurationMs?: number;
  wrapupCode?: string;
}

const STRING_FIELDS = [
  'participantId',
  'sessionId',
  'mediaType',
  'direction',
  'ani',
  'dnis',
  'queueId',
  'userId',
  'acdOutcome',
  'disconnectType',
  'wrapupCode',
] as const;
const NUMBER_FIELDS = ['connectedDurationMs', 'interactingDurationMs', 'heldDurationMs', 'wrapupDurationMs'] as const;

/**
 * The fact of a parsed conversation event.
 *
 * @example
 * const parsed = parseGenesysEvent(line);
 * if (parsed.ok && parsed.event.kind === 'conversation') store.applyFact(factOf(parsed.event));
 */
export function factOf(event: ConversationEvent): ConversationFact {
  const body = event.body as Record<string, unknown>;
  const fact: ConversationFact = {
    key: event.key,
    conversationId: event.conversationId,
    topic: event.topic,
    eventTime: event.eventTime,
  };
  for (const name of STRING_FIELDS) {
    const value = body[name];
    if (typeof value === 'string' && value !== '') fact[name] = value;
  }
  for (const name of NUMBER_FIELDS) {
    const value = body[name];
    if (typeof value === 'number' && Number.isFinite(value)) fact[name] = value;
  }
  return fact;
}

/**
 * Checks that a value read back from a store is a fact (stores hold JSON written by
 * {@link factOf}; a corrupted row must fail loudly, not fold into wrong figures).
 */
export function assertFact(value: unknown, where: string): ConversationFact {
  const v = value as Partial<ConversationFact> | null;
  if (
    !v ||
    typeof v !== 'object' ||
    typeof v.key !== 'string' ||
    typeof v.conversationId !== 'string' ||
    typeof v.topic !== 'string' ||
    typeof v.eventTime !== 'number'
  ) {
    throw new Error(
      `Corrupt conversation fact in ${where}: expected {key, conversationId, topic, eventTime, …}, found ${JSON.stringify(value)?.slice(0, 200)}.`,
    );
  }
  return v as ConversationFact;
}
