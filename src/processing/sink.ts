/**
 * Sinks: the business logic run for every new event. The conversation projection is one; add
 * your own (update a CRM, post to a webhook, …) beside it.
 *
 * Contract: the processor calls `handle` once per distinct event, after the projection, in the
 * order the sinks are given. Throw {@link TransientProcessingError} to have the event retried,
 * {@link PermanentProcessingError} to dead-letter it. Delivery to a sink is *at least once*: when
 * a later sink of the same event fails transiently, the event is retried and earlier sinks see
 * it again — make `handle` idempotent, e.g. by keying writes on `event.key`.
 */
import type { DirectoryLookup } from '../directory/ports.js';
import type { GenesysEvent } from '../events/index.js';
import { factOf } from './facts.js';
import type { ConversationStore } from './stores/conversation-store.js';

/** What a sink knows about the delivery besides the event. */
export interface SinkContext extends DeliveryContext {
  /**
   * Names of the ids the event carries (queues, users, wrap-up codes, divisions, flows, presence
   * definitions): `await context.directory.lookup('queue', queueId)` → `{ name, attributes, … }`
   * or `undefined`. A directory with no entries where none is configured (docs/directory.md).
   */
  directory: DirectoryLookup;
}

/** The delivery of an event: which message, which attempt. */
export interface DeliveryContext {
  /** SQS message id (buffered) or EventBridge event id (direct). */
  messageId: string;
  /** How many times the queue has delivered the message (1 = first time). */
  receiveCount: number;
}

/** Business logic for each new event. */
export interface Sink {
  /** Short name for logs and dead-letter reasons. */
  readonly name: string;
  handle(event: GenesysEvent, context: SinkContext): Promise<void>;
}

/**
 * The built-in sink: merges conversation events into their conversation's projection. Events of
 * other topics are ignored.
 */
export class ConversationProjectionSink implements Sink {
  readonly name = 'conversation-projection';
  constructor(private readonly store: ConversationStore) {}

  async handle(event: GenesysEvent): Promise<void> {
    if (event.kind !== 'conversation') return;
    const fact = factOf(event);
    if (this.store.addFact) await this.store.addFact(fact);
    else await this.store.applyFact(fact);
  }
}
