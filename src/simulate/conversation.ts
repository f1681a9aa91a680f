/**
 * The events of one simulated conversation, recorded as Genesys would publish them: one method
 * per conversation detail topic, each filling the fields the Genesys SDK types for that topic
 * (`purecloud-platform-client-v2`, e.g. `AcdEndDetailEventTopicAcdEndEvent`), in the SDK's field
 * order. The scenarios (`scenarios.ts`) decide *what* happens and *when*; this file only knows
 * how each happening looks as an event body.
 *
 * Bodies are written straight to JSON text ({@link BodyWriter}); the fields every event of the
 * conversation repeats (media type, provider, addresses…) are serialized once per conversation.
 */
import type {
  AcdOutcome,
  ConversationTopic,
  DisconnectType,
  Direction,
  MediaType,
  MessageType,
} from '../events/index.js';
import { BodyWriter } from './body-writer.js';
import type { Agent, Campaign, Flow, FlowOutcome, Queue } from './catalogue.js';

/** One participant of a conversation (customer, IVR, ACD, agent or voicemail). */
export interface Participant {
  participantId: string;
  sessionId: string;
}

/** The fields every routed event of a conversation repeats (its communication's addressing). */
export interface ConversationContext {
  conversationId: string;
  mediaType: MediaType;
  provider: string;
  direction: Direction;
  ani?: string;
  dnis?: string;
  addressTo?: string;
  addressFrom?: string;
  callbackUserName?: string;
  callbackNumbers?: string[];
  callbackScheduledTime?: number;
  subject?: string;
  messageType?: MessageType;
}

/** One event of a conversation before it is put in an EventBridge envelope. */
export interface ConversationEvent {
  topic: ConversationTopic;
  eventTime: number;
  /** The participant the event is about (the customer's for `attributes`). */
  participantId: string;
  /** `eventBody` as JSON text, fields in the SDK's order. */
  body: string;
  /** For `user.start`, `user.end` and `acw`: the agent, their session and queue (what the other families derive from). */
  agent?: AgentLeg;
}

/** The agent side of an agent event: who, on which session, from which queue. */
export interface AgentLeg {
  userId: string;
  sessionId: string;
  queueId?: string;
}

/** Target of a voicemail: an agent's (userId) or a queue's (queueId) voicemail box. */
interface VoicemailTarget {
  userId?: string;
  queueId?: string;
  divisionId: string;
}

/**
 * Records the events of one conversation. Methods take the event time (epoch ms) and the
 * participant concerned; the recorder adds the conversation's common fields.
 *
 * @example
 * const c = new ConversationRecorder(context);
 * c.customerStart(t0, customer, { divisionId });
 * c.acdStart(t1, acd, queue, { routingPriority: 0 });
 * c.events; // in recording order; sort by eventTime before publishing
 */
export class ConversationRecorder {
  readonly events: ConversationEvent[] = [];
  /** The latest event time recorded so far. */
  lastEventTime = 0;
  /** `mediaType`, `provider`, `direction`, `ani`, `dnis`. */
  private readonly core: string;
  /** `addressTo`, `addressFrom`. */
  private readonly addresses: string;
  /** `callbackUserName`, `callbackNumbers`, `callbackScheduledTime`. */
  private readonly callback: string;
  /** `subject`, `messageType`. */
  private readonly media: string;
  /** `conversationExternalContactIds`, `conversationExternalOrganizationIds` once the customer is identified. */
  private external = '';

  constructor(readonly context: ConversationContext) {
    const c = context;
    this.core = BodyWriter.fragment()
      .id('mediaType', c.mediaType)
      .escaped('provider', c.provider)
      .id('direction', c.direction)
      .escaped('ani', c.ani)
      .escaped('dnis', c.dnis)
      .text();
    this.addresses = BodyWriter.fragment()
      .escaped('addressTo', c.addressTo)
      .escaped('addressFrom', c.addressFrom)
      .text();
    this.callback = BodyWriter.fragment()
      .escaped('callbackUserName', c.callbackUserName)
      .json('callbackNumbers', c.callbackNumbers)
      .num('callbackScheduledTime', c.callbackScheduledTime)
      .text();
    this.media = BodyWriter.fragment().escaped('subject', c.subject).id('messageType', c.messageType).text();
  }

  customerStart(eventTime: number, customer: Participant, fields: { divisionId?: string }): void {
    const w = this.routed(eventTime, customer, undefined).raw(this.external);
    this.record('customer.start', eventTime, customer, w.id('divisionId', fields.divisionId));
  }

  customerEnd(
    eventTime: number,
    customer: Participant,
    fields: { disconnectType: DisconnectType; interactingDurationMs: number; divisionId?: string },
  ): void {
    const w = this.routed(eventTime, customer, fields.disconnectType).raw(this.external);
    this.record(
      'customer.end',
      eventTime,
      customer,
      w.num('interactingDurationMs', fields.interactingDurationMs).id('divisionId', fields.divisionId),
    );
  }

  /** `contact`: the customer was identified as an external contact (from ANI, address or CRM lookup). */
  contact(
    eventTime: number,
    customer: Participant,
    fields: { externalContactId: string; externalOrganizationId?: string; divisionId?: string },
  ): void {
    this.external = BodyWriter.fragment()
      .json('conversationExternalContactIds', [fields.externalContactId])
      .json(
        'conversationExternalOrganizationIds',
        fields.externalOrganizationId ? [fields.externalOrganizationId] : undefined,
      )
      .text();
    const w = this.routed(eventTime, customer, undefined)
      .raw(this.external)
      .id('externalOrganizationId', fields.externalOrganizationId)
      .id('externalContactId', fields.externalContactId)
      .id('divisionId', fields.divisionId);
    this.record('contact', eventTime, customer, w);
  }

  flowStart(eventTime: number, ivr: Participant, flow: Flow): void {
    this.record(
      'flow.start',
      eventTime,
      ivr,
      this.routedNoCallback(eventTime, ivr, undefined).raw(flowFields(flow)).raw(this.external),
    );
  }

  flowEnd(
    eventTime: number,
    ivr: Participant,
    flow: Flow,
    fields: { disconnectType: DisconnectType; connectedDurationMs: number; exitReason: string; transferType?: string },
  ): void {
    const w = this.routedNoCallback(eventTime, ivr, fields.disconnectType)
      .raw(flowFields(flow))
      .num('connectedDurationMs', fields.connectedDurationMs)
      .raw(this.external)
      .id('exitReason', fields.exitReason)
      .id('transferType', fields.transferType);
    this.record('flow.end', eventTime, ivr, w);
  }

  flowOutcome(
    eventTime: number,
    ivr: Participant,
    flow: Flow,
    fields: {
      outcome: FlowOutcome;
      startTime: number;
      value: 'SUCCESS' | 'FAILURE';
      milestones: { milestoneId: string; milestoneTime: number }[];
    },
  ): void {
    const w = this.routedNoCallback(eventTime, ivr, undefined)
      .raw(flowFields(flow))
      .id('flowOutcomeId', fields.outcome.id)
      .num('flowOutcomeStartTime', fields.startTime)
      .num('flowOutcomeEndTime', eventTime)
      .id('flowOutcomeValue', fields.value)
      .json('flowMilestones', fields.milestones)
      .raw(this.external);
    this.record('flow.outcome', eventTime, ivr, w);
  }

  acdStart(eventTime: number, acd: Participant, queue: Queue, fields: { routingPriority: number }): void {
    const skills = queue.skillIds.length > 0;
    const w = this.routed(eventTime, acd, undefined)
      .id('queueId', queue.id)
      .id('divisionId', queue.divisionId)
      .num('routingPriority', fields.routingPriority)
      .json('requestedRoutingSkillIds', skills ? queue.skillIds : undefined)
      .bool('skillExpressionApplied', skills ? false : undefined)
      .raw(this.external);
    this.record('acd.start', eventTime, acd, w);
  }

  acdEnd(
    eventTime: number,
    acd: Participant,
    queue: Queue,
    fields: {
      acdOutcome: AcdOutcome;
      disconnectType: DisconnectType;
      connectedDurationMs: number;
      answeredUserId?: string;
      routingPriority: number;
    },
  ): void {
    const answered = fields.acdOutcome === 'ANSWERED';
    const skills = queue.skillIds.length > 0;
    const routing = skills ? 'BULLSEYE' : 'STANDARD';
    const w = this.routed(eventTime, acd, fields.disconnectType)
      .id('queueId', queue.id)
      .id('divisionId', queue.divisionId)
      .id('acdOutcome', fields.acdOutcome)
      .id('answeredUserId', answered ? fields.answeredUserId : undefined)
      .raw(`,"requestedRoutings":["${routing}"]`)
      .id('usedRouting', answered ? routing : undefined)
      .json('requestedRoutingSkillIds', skills ? queue.skillIds : undefined)
      .id('requestedLanguageId', queue.languageId)
      .num('routingPriority', fields.routingPriority)
      .num('connectedDurationMs', fields.connectedDurationMs)
      .raw(this.external);
    this.record('acd.end', eventTime, acd, w);
  }

  userStart(eventTime: number, user: Participant, agent: Agent, queue: Queue | undefined): void {
    const w = this.routed(eventTime, user, undefined)
      .raw(this.external)
      .id('userId', agent.id)
      .id('divisionId', queue?.divisionId ?? agent.divisionId)
      .id('queueId', queue?.id);
    this.record('user.start', eventTime, user, w, leg(user, agent, queue));
  }

  userEnd(
    eventTime: number,
    user: Participant,
    agent: Agent,
    queue: Queue | undefined,
    fields: {
      disconnectType: DisconnectType;
      interactingDurationMs: number;
      heldDurationMs?: number;
      alertingDurationMs?: number;
      contactingDurationMs?: number;
      dialingDurationMs?: number;
      callbackDurationMs?: number;
    },
  ): void {
    const w = this.routed(eventTime, user, fields.disconnectType)
      .raw(this.external)
      .id('userId', agent.id)
      .id('divisionId', queue?.divisionId ?? agent.divisionId)
      .id('queueId', queue?.id)
      .num('interactingDurationMs', fields.interactingDurationMs)
      .num('heldDurationMs', fields.heldDurationMs)
      .num('alertingDurationMs', fields.alertingDurationMs)
      .num('contactingDurationMs', fields.contactingDurationMs)
      .num('dialingDurationMs', fields.dialingDurationMs)
      .num('callbackDurationMs', fields.callbackDurationMs);
    this.record('user.end', eventTime, user, w, leg(user, agent, queue));
  }

  /** `attributes`: participant data set (by a flow or the agent's script) on the customer participant. */
  attributes(eventTime: number, customer: Participant, attributes: Record<string, string>): void {
    const w = new BodyWriter()
      .num('eventTime', eventTime)
      .id('conversationId', this.context.conversationId)
      .id('participantId', customer.participantId)
      .json('attributes', attributes)
      .raw(this.external);
    this.record('attributes', eventTime, customer, w);
  }

  /** `acw`: the agent finished after-call work (the event comes at its end). */
  acw(
    eventTime: number,
    user: Participant,
    agent: Agent,
    queue: Queue | undefined,
    fields: { wrapupCode: string; wrapupNotes?: string; wrapupDurationMs: number },
  ): void {
    const w = this.routed(eventTime, user, undefined)
      .raw(this.external)
      .id('userId', agent.id)
      .id('queueId', queue?.id)
      .id('wrapupCode', fields.wrapupCode)
      .escaped('wrapupNotes', fields.wrapupNotes)
      .num('wrapupDurationMs', fields.wrapupDurationMs);
    this.record('acw', eventTime, user, w, leg(user, agent, queue));
  }

  /** `wrapup`: the wrap-up code was applied to the agent's participant. */
  wrapup(
    eventTime: number,
    user: Participant,
    queue: Queue | undefined,
    fields: { wrapupCode: string; wrapupNotes?: string; wrapupDurationMs: number },
  ): void {
    const w = this.routed(eventTime, user, undefined)
      .raw(this.external)
      .id('queueId', queue?.id)
      .id('wrapupCode', fields.wrapupCode)
      .escaped('wrapupNotes', fields.wrapupNotes)
      .num('wrapupDurationMs', fields.wrapupDurationMs);
    this.record('wrapup', eventTime, user, w);
  }

  /** `outbound`: the dialer placed this call for a campaign contact. */
  outbound(eventTime: number, customer: Participant, campaign: Campaign, contactId: string): void {
    const w = this.routedNoCallback(eventTime, customer, undefined)
      .raw(this.external)
      .id('outboundCampaignId', campaign.id)
      .id('divisionId', campaign.divisionId)
      .id('outboundContactListId', campaign.contactListId)
      .id('outboundContactId', contactId);
    this.record('outbound', eventTime, customer, w);
  }

  voicemailStart(eventTime: number, voicemail: Participant, target: VoicemailTarget): void {
    const w = this.voicemailFields(eventTime, voicemail, undefined)
      .id('userId', target.userId)
      .id('queueId', target.queueId)
      .id('divisionId', target.divisionId)
      .raw(this.external);
    this.record('voicemail.start', eventTime, voicemail, w);
  }

  voicemailEnd(
    eventTime: number,
    voicemail: Participant,
    target: VoicemailTarget,
    fields: { disconnectType: DisconnectType; voicemailDurationMs: number },
  ): void {
    const w = this.voicemailFields(eventTime, voicemail, fields.disconnectType)
      .id('userId', target.userId)
      .id('queueId', target.queueId)
      .id('divisionId', target.divisionId)
      .num('voicemailDurationMs', fields.voicemailDurationMs)
      .raw(this.external);
    this.record('voicemail.end', eventTime, voicemail, w);
  }

  private record(
    topic: ConversationTopic,
    eventTime: number,
    participant: Participant,
    body: BodyWriter,
    agent?: AgentLeg,
  ): void {
    const event: ConversationEvent = { topic, eventTime, participantId: participant.participantId, body: body.end() };
    if (agent) event.agent = agent;
    this.events.push(event);
    if (eventTime > this.lastEventTime) this.lastEventTime = eventTime;
  }

  /** eventTime, conversationId, participantId, sessionId, disconnectType. */
  private head(eventTime: number, p: Participant, disconnectType: DisconnectType | undefined): BodyWriter {
    return new BodyWriter()
      .num('eventTime', eventTime)
      .id('conversationId', this.context.conversationId)
      .id('participantId', p.participantId)
      .id('sessionId', p.sessionId)
      .id('disconnectType', disconnectType);
  }

  /** The SDK's leading fields: eventTime … addressFrom, callback fields, subject, messageType. */
  private routed(eventTime: number, p: Participant, disconnectType: DisconnectType | undefined): BodyWriter {
    return this.head(eventTime, p, disconnectType)
      .raw(this.core)
      .raw(this.addresses)
      .raw(this.callback)
      .raw(this.media);
  }

  /** As {@link routed}, for topics whose SDK type has no callback fields (flow.*, outbound). */
  private routedNoCallback(eventTime: number, p: Participant, disconnectType: DisconnectType | undefined): BodyWriter {
    return this.head(eventTime, p, disconnectType).raw(this.core).raw(this.addresses).raw(this.media);
  }

  /** voicemail.* have no address, callback or media fields. */
  private voicemailFields(eventTime: number, p: Participant, disconnectType: DisconnectType | undefined): BodyWriter {
    return this.head(eventTime, p, disconnectType).raw(this.core);
  }
}

function leg(user: Participant, agent: Agent, queue: Queue | undefined): AgentLeg {
  return queue
    ? { userId: agent.id, sessionId: user.sessionId, queueId: queue.id }
    : { userId: agent.id, sessionId: user.sessionId };
}

function flowFields(flow: Flow): string {
  return `,"flowType":"${flow.flowType}","flowId":"${flow.id}","divisionId":"${flow.divisionId}","flowVersion":"${flow.version}"`;
}
