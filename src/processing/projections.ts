/**
 * The projection sink: routes each event to the projection of its family — the one place that
 * knows which kind goes where.
 *
 * | kind | projection |
 * | --- | --- |
 * | `conversation` | the conversation projection (`ConversationStore`) |
 * | `user-presence`, `user-routing-status`, `user-activity` | agent state (`AgentStateStore`) |
 * | `audit` | the audit log (`AuditLogStore`) |
 * | `transcription` | transcripts (`TranscriptStore`) |
 * | `generic` | the generic event store (`GenericEventStore`) |
 *
 * Conversation events on a store that claims facts (DynamoDB) are applied by one conditional
 * write that is also their idempotency claim ({@link ProjectionSink.applyOnce}, `claims.ts`).
 *
 * A deployment may leave a projection out (the AWS construct creates the tables of the families
 * its topics name). An event whose projection is missing is not dropped: it fails permanently and
 * is dead-lettered with a reason that says what to configure; redrive it once the projection exists.
 */
import type { GenesysEvent } from '../events/index.js';
import type { ClaimingSink } from './claims.js';
import { agentFactsOf } from './agent-state.js';
import { auditEntryOf } from './audit-log.js';
import { PermanentProcessingError } from './errors.js';
import { factOf } from './facts.js';
import { genericRecordOf } from './generic-events.js';
import type { ConversationStore } from './stores/conversation-store.js';
import type { AgentStateStore, AuditLogStore, GenericEventStore, TranscriptStore } from './stores/projection-stores.js';
import { utterancesOf } from './transcripts.js';

/** The projections of one deployment; each is optional. */
export interface Projections {
  conversations?: ConversationStore;
  agentStates?: AgentStateStore;
  audits?: AuditLogStore;
  transcripts?: TranscriptStore;
  genericEvents?: GenericEventStore;
}

/** The name of each projection, by the key of {@link Projections}, for messages. */
const PROJECTION_NAMES: Record<keyof Projections, string> = {
  conversations: 'conversation projection',
  agentStates: 'agent-state projection',
  audits: 'audit log',
  transcripts: 'transcript projection',
  genericEvents: 'generic event store',
};

/**
 * The built-in sink, first in every processor: each event into its family's projection.
 *
 * @example
 * const sink = new ProjectionSink({ conversations, agentStates, audits, transcripts, genericEvents });
 * createProcessor({ persistenceStore, sinks: [sink, ...yourSinks], deadLetters });
 */
export class ProjectionSink implements ClaimingSink {
  readonly name = 'projections';
  constructor(private readonly projections: Projections) {}

  /** Conversation events, when the conversation store claims facts (`ConversationStore.claimFact`: DynamoDB). */
  claims(event: GenesysEvent): boolean {
    return event.kind === 'conversation' && this.projections.conversations?.claimFact !== undefined;
  }

  async applyOnce(event: GenesysEvent): Promise<boolean> {
    const store = this.need('conversations', event);
    if (event.kind !== 'conversation' || !store.claimFact)
      throw new Error(`applyOnce: ${event.kind} events are not claimed by the ${this.name} sink; call claims() first.`);
    return store.claimFact(factOf(event));
  }

  async handle(event: GenesysEvent): Promise<void> {
    switch (event.kind) {
      case 'conversation': {
        const store = this.need('conversations', event);
        const fact = factOf(event);
        if (store.addFact) await store.addFact(fact);
        else await store.applyFact(fact);
        return;
      }
      case 'user-presence':
      case 'user-routing-status':
      case 'user-activity': {
        const facts = agentFactsOf(event);
        const store = this.need('agentStates', event);
        if (facts.length > 0) await store.applyFacts(facts);
        return;
      }
      case 'audit':
        return this.need('audits', event).put(auditEntryOf(event));
      case 'transcription': {
        const utterances = utterancesOf(event);
        const store = this.need('transcripts', event);
        if (utterances.length > 0) await store.putUtterances(utterances);
        return;
      }
      case 'generic':
        return this.need('genericEvents', event).put(genericRecordOf(event));
    }
  }

  private need<K extends keyof Projections>(name: K, event: GenesysEvent): NonNullable<Projections[K]> {
    const store = this.projections[name];
    if (store === undefined) {
      throw new PermanentProcessingError(
        `No ${PROJECTION_NAMES[name]} is configured for ${event.kind} events (topic ${event.genericTopic}). ` +
          "On AWS, add the topic to the construct's `topics` (which creates the table and grants the processor) and redeploy; then redrive this event.",
      );
    }
    return store as NonNullable<Projections[K]>;
  }
}
