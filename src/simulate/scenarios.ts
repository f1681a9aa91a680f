/**
 * Conversation lifecycles: what happens in one simulated conversation, and when.
 *
 * Four scenarios, chosen by media type (see docs/simulator.md):
 * - **inbound** (voice, chat, message, email): customer.start → flow.start (→ flow.outcome, contact,
 *   attributes) → flow.end → one or more queue cycles (acd.start → acd.end ANSWERED → user.start →
 *   (attributes) → user.end → acw → wrapup; a transfer starts another cycle), or the customer gives
 *   up in queue (acd.end ABANDON, or FLOW_OUT to the queue's voicemail: voicemail.start/end), or
 *   finishes in the IVR (self-service) → customer.end.
 * - **callback**: created by web form or API (no flow), queued until answered or cancelled; the
 *   agent dials the customer, who may not answer.
 * - **outbound** (voice): a campaign call placed by the dialer (`outbound` event, direction
 *   OUTBOUND); answered calls go to the campaign queue and an agent, unanswered ones end.
 * - **direct-voicemail** (voice): a call to an agent's direct line that goes to the agent's voicemail.
 *
 * `customer.start` is always the first event of a conversation by `eventTime` and `customer.end`
 * the last. Every duration field agrees with the event times it spans (e.g.
 * `acd.end.connectedDurationMs` = acd.end − acd.start).
 */
import type { DisconnectType, MessageType } from '../events/index.js';
import { WRAPUP_TIMEOUT_CODE } from './catalogue.js';
import type { Agent, Catalogue, Flow, Queue } from './catalogue.js';
import { ConversationRecorder } from './conversation.js';
import type { ConversationContext, ConversationEvent, Participant } from './conversation.js';
import { BEHAVIOUR, MEDIA_PROFILES, drawDuration } from './profiles.js';
import type { MediaProfile, SimulatedMedia } from './profiles.js';
import type { Prng } from './prng.js';

/** The scenario families (see the module comment). */
export type Scenario = 'inbound' | 'callback' | 'outbound' | 'direct-voicemail';

/** One planned conversation: its events sorted by `eventTime` (recording order among equal times). */
interface ConversationPlan {
  conversationId: string;
  media: SimulatedMedia;
  scenario: Scenario;
  events: ConversationEvent[];
}

/** Traffic share of the queues of one media, in catalogue order (busiest first). */
const QUEUE_WEIGHTS = [0.25, 0.2, 0.15, 0.12, 0.1, 0.08, 0.06, 0.04];

const AREA_CODES = ['212', '303', '312', '404', '415', '512', '617', '702', '813', '919'];
const FIRST = [
  'alex',
  'blair',
  'casey',
  'dana',
  'eli',
  'frankie',
  'gale',
  'harper',
  'indy',
  'jordan',
  'kai',
  'logan',
  'morgan',
  'noel',
  'oakley',
  'parker',
];
const LAST = [
  'smith',
  'garcia',
  'chen',
  'okoro',
  'novak',
  'silva',
  'khan',
  'murphy',
  'larsen',
  'rivera',
  'haddad',
  'tran',
];
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
const SUBJECTS = [
  'Question about my latest invoice',
  'Order has not arrived',
  'Request to update my address',
  'Complaint about service outage',
  'Refund status',
  'Cannot log in to my account',
  'Documents for my application',
  'Change of payment method',
];
const TIERS = ['Standard', 'Standard', 'Silver', 'Gold', 'Platinum'];
const NOTES = [
  'Customer will call back if the issue persists.',
  'Sent confirmation email.',
  'Escalated to tier 2.',
  'Refund approved.',
];
const MESSAGE_TYPES: readonly MessageType[] = ['WEBMESSAGING', 'SMS', 'WHATSAPP', 'FACEBOOK'];
const MESSAGE_TYPE_WEIGHTS = [0.5, 0.25, 0.15, 0.1];

/**
 * Plans one conversation of the given media starting at `startTime` (epoch ms).
 *
 * @example
 * const plan = planConversation(new Prng(1), simulationCatalogue(), 'voice', Date.UTC(2026, 0, 1, 12));
 * plan.events[0].topic; // 'customer.start'
 */
export function planConversation(
  rng: Prng,
  catalogue: Catalogue,
  media: SimulatedMedia,
  startTime: number,
): ConversationPlan {
  const conversationId = rng.uuid();
  let scenario: Scenario = 'inbound';
  let events: ConversationEvent[];
  if (media === 'voice') {
    const r = rng.float();
    if (r < BEHAVIOUR.outboundShareOfVoice) scenario = 'outbound';
    else if (r < BEHAVIOUR.outboundShareOfVoice + BEHAVIOUR.directVoicemailShareOfVoice) scenario = 'direct-voicemail';
  } else if (media === 'callback') {
    scenario = 'callback';
  }
  const sim = new Simulation(rng, catalogue);
  switch (scenario) {
    case 'outbound':
      events = sim.outbound(conversationId, startTime);
      break;
    case 'direct-voicemail':
      events = sim.directVoicemail(conversationId, startTime);
      break;
    case 'callback':
      events = sim.callback(conversationId, startTime);
      break;
    default:
      events = sim.inbound(conversationId, media, startTime);
  }
  // Stable sort: events with equal times keep their recording order.
  events.sort((a, b) => a.eventTime - b.eventTime);
  return { conversationId, media, scenario, events };
}

/** The scenario generators, sharing the random stream and the catalogue. */
class Simulation {
  constructor(
    private readonly rng: Prng,
    private readonly catalogue: Catalogue,
  ) {}

  inbound(conversationId: string, media: SimulatedMedia, t0: number): ConversationEvent[] {
    const { rng } = this;
    const profile = MEDIA_PROFILES[media];
    const queue = this.pickQueue(media);
    const flow = this.flowFor(media, queue.divisionId);
    const person = this.person();
    const rec = new ConversationRecorder(this.inboundContext(conversationId, media, queue, person));
    const customer = this.participant();
    rec.customerStart(t0, customer, { divisionId: queue.divisionId });

    // The inbound flow (IVR, bot or routing flow).
    const ivr = this.participant();
    const flowStart = t0 + rng.between(40, 400);
    rec.flowStart(flowStart, ivr, flow);
    const flowMs = drawDuration(rng, profile.flow!);
    const flowEnd = flowStart + flowMs;
    if (rng.chance(BEHAVIOUR.externalContact))
      this.identify(rec, customer, flowStart + 1 + Math.floor(flowMs * 0.3 * rng.float()), queue.divisionId);
    const selfService = media === 'voice' && rng.chance(BEHAVIOUR.ivrSelfService);
    if (media === 'voice' && (selfService || rng.chance(BEHAVIOUR.ivrFlowOutcome))) {
      const outcome = selfService ? this.catalogue.flowOutcomes[2]! : this.catalogue.flowOutcomes[0]!;
      const start = flowStart + 1 + Math.floor(flowMs * 0.1 * rng.float());
      const end = start + 1 + Math.floor((flowEnd - start - 2) * (0.5 + 0.4 * rng.float()));
      const milestoneTime = start + Math.floor((end - start) / 2);
      rec.flowOutcome(end, ivr, flow, {
        outcome,
        startTime: start,
        value: selfService || rng.chance(0.85) ? 'SUCCESS' : 'FAILURE',
        milestones: [
          {
            milestoneId: this.catalogue.flowMilestoneIds[rng.int(this.catalogue.flowMilestoneIds.length)]!,
            milestoneTime,
          },
        ],
      });
    }
    if (selfService) {
      rec.flowEnd(flowEnd, ivr, flow, {
        disconnectType: 'ENDPOINT',
        connectedDurationMs: flowMs,
        exitReason: 'DISCONNECT',
      });
      rec.customerEnd(flowEnd + rng.between(20, 300), customer, {
        disconnectType: 'ENDPOINT',
        interactingDurationMs: 0,
        divisionId: queue.divisionId,
      });
      return rec.events;
    }
    rec.flowEnd(flowEnd, ivr, flow, {
      disconnectType: 'TRANSFER',
      connectedDurationMs: flowMs,
      exitReason: 'TRANSFER',
      transferType: 'ACD',
    });
    if (rng.chance(0.7))
      rec.attributes(flowEnd + rng.between(1, 30), customer, this.flowAttributes(media, queue, person));

    const result = this.queueCycles(rec, profile, customer, queue, flowEnd + rng.between(10, 80));
    rec.customerEnd(rec.lastEventTime + rng.between(100, 1500), customer, {
      disconnectType: result.disconnectType,
      interactingDurationMs: result.interactingMs,
      divisionId: queue.divisionId,
    });
    return rec.events;
  }

  callback(conversationId: string, t0: number): ConversationEvent[] {
    const { rng } = this;
    const profile = MEDIA_PROFILES.callback;
    const queue = this.pickQueue('callback');
    const person = this.person();
    const scheduled = rng.chance(BEHAVIOUR.scheduledCallback);
    const scheduledTime = scheduled
      ? Math.ceil((t0 + rng.between(...BEHAVIOUR.scheduledCallbackAhead)) / 60_000) * 60_000
      : undefined;
    const rec = new ConversationRecorder({
      conversationId,
      mediaType: profile.mediaType,
      provider: profile.provider,
      direction: 'INBOUND',
      callbackUserName: `${capitalize(person.first)} ${capitalize(person.last)}`,
      callbackNumbers: [person.phone],
      callbackScheduledTime: scheduledTime,
    });
    const customer = this.participant();
    rec.customerStart(t0, customer, { divisionId: queue.divisionId });
    if (rng.chance(BEHAVIOUR.externalContact))
      this.identify(rec, customer, t0 + rng.between(20, 200), queue.divisionId);

    const acd = this.participant();
    const acdStart = t0 + rng.between(250, 600);
    rec.acdStart(acdStart, acd, queue, { routingPriority: 0 });
    let wait = this.queueWait(profile, queue);
    if (scheduledTime !== undefined) wait += Math.max(0, scheduledTime - acdStart);
    if (rng.chance(BEHAVIOUR.callbackCancelled)) {
      const cancelledAfter = 1000 + Math.floor((wait - 1000) * rng.float());
      rec.acdEnd(acdStart + cancelledAfter, acd, queue, {
        acdOutcome: 'ABANDON',
        disconnectType: 'CLIENT',
        connectedDurationMs: cancelledAfter,
        routingPriority: 0,
      });
      rec.customerEnd(rec.lastEventTime + rng.between(50, 500), customer, {
        disconnectType: 'CLIENT',
        interactingDurationMs: 0,
        divisionId: queue.divisionId,
      });
      return rec.events;
    }
    const answeredAt = acdStart + wait;
    const agent = this.pickAgent(queue);
    rec.acdEnd(answeredAt, acd, queue, {
      acdOutcome: 'ANSWERED',
      disconnectType: 'TRANSFER',
      connectedDurationMs: wait,
      answeredUserId: agent.id,
      routingPriority: 0,
    });
    const user = this.participant();
    const userStart = answeredAt + rng.between(5, 60);
    rec.userStart(userStart, user, agent, queue);
    const dialing = rng.between(...BEHAVIOUR.callbackDialing);
    const ringing = rng.between(...BEHAVIOUR.callbackRinging);
    const reached = !rng.chance(BEHAVIOUR.callbackNotReached);
    const talk = reached ? drawDuration(rng, profile.handle) : 0;
    const held =
      reached && rng.chance(profile.holdProbability)
        ? Math.min(drawDuration(rng, profile.hold), Math.floor(talk / 2))
        : 0;
    const interacting = dialing + ringing + talk;
    rec.userEnd(userStart + interacting, user, agent, queue, {
      disconnectType: reached && !rng.chance(profile.agentDisconnects) ? 'ENDPOINT' : 'CLIENT',
      interactingDurationMs: interacting,
      heldDurationMs: held,
      alertingDurationMs: Math.min(wait, rng.between(...profile.alerting)),
      dialingDurationMs: dialing,
      contactingDurationMs: ringing,
      callbackDurationMs: interacting,
    });
    this.afterCallWork(
      rec,
      profile,
      userStart + interacting,
      user,
      agent,
      queue,
      reached ? undefined : this.code('Customer Not Reached'),
    );
    rec.customerEnd(rec.lastEventTime + rng.between(100, 1500), customer, {
      disconnectType: reached ? 'PEER' : 'CLIENT',
      interactingDurationMs: talk,
      divisionId: queue.divisionId,
    });
    return rec.events;
  }

  outbound(conversationId: string, t0: number): ConversationEvent[] {
    const { rng, catalogue } = this;
    const profile = MEDIA_PROFILES.voice;
    const campaign = rng.pick(catalogue.campaigns);
    const queue = catalogue.queueById.get(campaign.queueId)!;
    const person = this.person();
    const rec = new ConversationRecorder({
      conversationId,
      mediaType: profile.mediaType,
      provider: profile.provider,
      direction: 'OUTBOUND',
      ani: campaign.callerId,
      dnis: person.phone,
    });
    const customer = this.participant();
    rec.customerStart(t0, customer, { divisionId: campaign.divisionId });
    rec.outbound(t0 + rng.between(20, 200), customer, campaign, rng.hex(32));
    const connectedAt = t0 + 250 + rng.between(...BEHAVIOUR.outboundRinging);
    if (!rng.chance(BEHAVIOUR.outboundConnected)) {
      // No answer, busy or answering machine: the dialer disconnects; no agent is involved.
      const machine = rng.chance(BEHAVIOUR.outboundMachine);
      rec.customerEnd(connectedAt + (machine ? rng.between(1500, 5000) : 0), customer, {
        disconnectType: 'SYSTEM',
        interactingDurationMs: 0,
        divisionId: campaign.divisionId,
      });
      return rec.events;
    }
    if (rng.chance(0.7)) this.identify(rec, customer, connectedAt + rng.between(5, 100), campaign.divisionId);
    const acd = this.participant();
    const acdStart = connectedAt + rng.between(200, 900);
    rec.acdStart(acdStart, acd, queue, { routingPriority: 0 });
    const wait = rng.between(...BEHAVIOUR.outboundQueueWait);
    if (rng.chance(BEHAVIOUR.outboundDialerAbandon)) {
      // No agent free in time: the called person hangs up on silence.
      rec.acdEnd(acdStart + wait, acd, queue, {
        acdOutcome: 'ABANDON',
        disconnectType: 'ENDPOINT',
        connectedDurationMs: wait,
        routingPriority: 0,
      });
      rec.customerEnd(rec.lastEventTime + rng.between(50, 500), customer, {
        disconnectType: 'ENDPOINT',
        interactingDurationMs: 0,
        divisionId: campaign.divisionId,
      });
      return rec.events;
    }
    const agent = this.pickAgent(queue);
    rec.acdEnd(acdStart + wait, acd, queue, {
      acdOutcome: 'ANSWERED',
      disconnectType: 'TRANSFER',
      connectedDurationMs: wait,
      answeredUserId: agent.id,
      routingPriority: 0,
    });
    const user = this.participant();
    const userStart = acdStart + wait + rng.between(5, 60);
    rec.userStart(userStart, user, agent, queue);
    const handle = drawDuration(rng, BEHAVIOUR.outboundHandle);
    const held = rng.chance(profile.holdProbability / 2)
      ? Math.min(drawDuration(rng, profile.hold), Math.floor(handle / 2))
      : 0;
    const agentHangsUp = rng.chance(0.5);
    rec.userEnd(userStart + handle, user, agent, queue, {
      disconnectType: agentHangsUp ? 'CLIENT' : 'ENDPOINT',
      interactingDurationMs: handle,
      heldDurationMs: held,
      alertingDurationMs: Math.min(wait, rng.between(300, 1500)),
    });
    this.afterCallWork(rec, profile, userStart + handle, user, agent, queue, undefined);
    rec.customerEnd(rec.lastEventTime + rng.between(100, 1500), customer, {
      disconnectType: agentHangsUp ? 'PEER' : 'ENDPOINT',
      interactingDurationMs: handle,
      divisionId: campaign.divisionId,
    });
    return rec.events;
  }

  directVoicemail(conversationId: string, t0: number): ConversationEvent[] {
    const { rng, catalogue } = this;
    const profile = MEDIA_PROFILES.voice;
    const agent = rng.pick(catalogue.agents);
    const person = this.person();
    const rec = new ConversationRecorder({
      conversationId,
      mediaType: profile.mediaType,
      provider: profile.provider,
      direction: 'INBOUND',
      ani: person.phone,
      dnis: rng.pick(catalogue.phoneNumbers),
    });
    const customer = this.participant();
    rec.customerStart(t0, customer, { divisionId: agent.divisionId });
    const voicemail = this.participant();
    const target = { userId: agent.id, divisionId: agent.divisionId };
    const vmStart = t0 + rng.between(12_000, 30_000); // rang unanswered, then the agent's voicemail picks up
    rec.voicemailStart(vmStart, voicemail, target);
    const vmMs = drawDuration(rng, BEHAVIOUR.voicemail);
    rec.voicemailEnd(vmStart + vmMs, voicemail, target, { disconnectType: 'ENDPOINT', voicemailDurationMs: vmMs });
    rec.customerEnd(vmStart + vmMs + rng.between(20, 300), customer, {
      disconnectType: 'ENDPOINT',
      interactingDurationMs: 0,
      divisionId: agent.divisionId,
    });
    return rec.events;
  }

  /**
   * Queue cycles from `start`: wait, then abandon (or voicemail), or an agent answers, handles,
   * and either ends the interaction or transfers it to another queue (a new cycle).
   */
  private queueCycles(
    rec: ConversationRecorder,
    profile: MediaProfile,
    customer: Participant,
    firstQueue: Queue,
    start: number,
  ): { disconnectType: DisconnectType; interactingMs: number } {
    const { rng } = this;
    let queue = firstQueue;
    let cycleStart = start;
    let interactingMs = 0;
    let previousAgent: Agent | undefined;
    const hasHold = profile.holdProbability > 0;
    for (let cycle = 1; ; cycle++) {
      const acd = this.participant();
      const priority = queue.divisionId === firstQueue.divisionId ? 0 : 1;
      rec.acdStart(cycleStart, acd, queue, { routingPriority: priority });
      const wait = this.queueWait(profile, queue);
      const patience = profile.patience ? drawDuration(rng, profile.patience) : Number.POSITIVE_INFINITY;
      if (patience < wait) {
        const gaveUpAt = cycleStart + patience;
        if (profile.mediaType === 'VOICE' && rng.chance(BEHAVIOUR.voicemailInsteadOfAbandon)) {
          // The in-queue flow offers voicemail; the caller leaves a message for the queue.
          rec.acdEnd(gaveUpAt, acd, queue, {
            acdOutcome: 'FLOW_OUT',
            disconnectType: 'TRANSFER',
            connectedDurationMs: patience,
            routingPriority: priority,
          });
          const voicemail = this.participant();
          const target = { queueId: queue.id, divisionId: queue.divisionId };
          const vmStart = gaveUpAt + rng.between(50, 400);
          rec.voicemailStart(vmStart, voicemail, target);
          const vmMs = drawDuration(rng, BEHAVIOUR.voicemail);
          rec.voicemailEnd(vmStart + vmMs, voicemail, target, {
            disconnectType: 'ENDPOINT',
            voicemailDurationMs: vmMs,
          });
        } else {
          rec.acdEnd(gaveUpAt, acd, queue, {
            acdOutcome: 'ABANDON',
            disconnectType: 'ENDPOINT',
            connectedDurationMs: patience,
            routingPriority: priority,
          });
        }
        return { disconnectType: 'ENDPOINT', interactingMs };
      }
      const answeredAt = cycleStart + wait;
      const agent = this.pickAgent(queue, previousAgent);
      rec.acdEnd(answeredAt, acd, queue, {
        acdOutcome: 'ANSWERED',
        disconnectType: 'TRANSFER',
        connectedDurationMs: wait,
        answeredUserId: agent.id,
        routingPriority: priority,
      });
      const user = this.participant();
      const userStart = answeredAt + rng.between(5, 60);
      rec.userStart(userStart, user, agent, queue);
      const handle = drawDuration(rng, profile.handle);
      const held =
        hasHold && rng.chance(profile.holdProbability)
          ? Math.min(drawDuration(rng, profile.hold), Math.floor(handle / 2))
          : 0;
      if (rng.chance(BEHAVIOUR.agentAttributes)) {
        rec.attributes(userStart + 1 + Math.floor((handle - 2) * (0.2 + 0.6 * rng.float())), customer, {
          CaseNumber: `CS-${rng.digits(7)}`,
          CaseStatus: rng.pick(['Open', 'Pending', 'Resolved']),
        });
      }
      const userEnd = userStart + handle;
      const others = this.catalogue.queuesByMedia[queue.media].filter(
        (q) => q.id !== queue.id && q.id !== this.catalogue.campaigns[0]!.queueId,
      );
      const transfer = cycle < 3 && rng.chance(profile.transferProbability);
      const agentHangsUp = rng.chance(profile.agentDisconnects);
      rec.userEnd(userEnd, user, agent, queue, {
        disconnectType: transfer ? 'TRANSFER' : agentHangsUp ? 'CLIENT' : 'ENDPOINT',
        interactingDurationMs: handle,
        heldDurationMs: hasHold ? held : undefined,
        alertingDurationMs: Math.min(wait, rng.between(...profile.alerting)),
      });
      interactingMs += handle;
      this.afterCallWork(rec, profile, userEnd, user, agent, queue, transfer ? this.code('Transferred') : undefined);
      if (!transfer) return { disconnectType: agentHangsUp ? 'PEER' : 'ENDPOINT', interactingMs };
      previousAgent = agent;
      queue = rng.pick(others);
      cycleStart = userEnd + rng.between(100, 800);
    }
  }

  /** After-call work then wrap-up: `acw` when the agent finishes (its duration), `wrapup` just after. */
  private afterCallWork(
    rec: ConversationRecorder,
    profile: MediaProfile,
    userEnd: number,
    user: Participant,
    agent: Agent,
    queue: Queue,
    forcedCode: string | undefined,
  ): void {
    const { rng } = this;
    let acwMs = drawDuration(rng, profile.acw);
    let code: string;
    if (acwMs > profile.acwTimeout) {
      acwMs = profile.acwTimeout;
      code = WRAPUP_TIMEOUT_CODE;
    } else {
      code = forcedCode ?? this.catalogue.wrapupCodes[rng.int(7)]!.id;
    }
    const wrapupNotes = rng.chance(0.15) ? rng.pick(NOTES) : undefined;
    rec.acw(userEnd + acwMs, user, agent, queue, { wrapupCode: code, wrapupNotes, wrapupDurationMs: acwMs });
    rec.wrapup(userEnd + acwMs + rng.between(20, 300), user, queue, {
      wrapupCode: code,
      wrapupNotes,
      wrapupDurationMs: acwMs,
    });
  }

  private identify(rec: ConversationRecorder, customer: Participant, at: number, divisionId: string): void {
    const { rng } = this;
    rec.contact(at, customer, {
      externalContactId: rng.uuid(),
      externalOrganizationId: rng.chance(0.3) ? rng.pick(this.catalogue.externalOrganizationIds) : undefined,
      divisionId,
    });
  }

  private inboundContext(
    conversationId: string,
    media: SimulatedMedia,
    queue: Queue,
    person: Person,
  ): ConversationContext {
    const { rng, catalogue } = this;
    const profile = MEDIA_PROFILES[media];
    const base = {
      conversationId,
      mediaType: profile.mediaType,
      provider: profile.provider,
      direction: 'INBOUND',
    } as const;
    switch (media) {
      case 'voice':
        return { ...base, ani: person.phone, dnis: rng.pick(catalogue.phoneNumbers) };
      case 'email':
        return { ...base, addressTo: queue.address, addressFrom: person.email, subject: rng.pick(SUBJECTS) };
      case 'message': {
        const messageType = rng.weighted(MESSAGE_TYPES, MESSAGE_TYPE_WEIGHTS);
        const from =
          messageType === 'SMS'
            ? person.phone.slice(4)
            : messageType === 'WHATSAPP'
              ? `+447700900${rng.digits(3)}`
              : messageType === 'FACEBOOK'
                ? rng.digits(16)
                : rng.uuid();
        return {
          ...base,
          addressTo: catalogue.messagingAddresses[messageType as keyof Catalogue['messagingAddresses']],
          addressFrom: from,
          messageType,
        };
      }
      default:
        return { ...base };
    }
  }

  private flowAttributes(media: SimulatedMedia, queue: Queue, person: Person): Record<string, string> {
    const { rng } = this;
    const intent = queue.name.slice(queue.name.indexOf(' - ') + 3);
    switch (media) {
      case 'voice':
        return {
          Intent: intent,
          CustomerTier: rng.pick(TIERS),
          AccountNumber: `AC${rng.digits(8)}`,
          Authenticated: rng.chance(0.8) ? 'true' : 'false',
          Language: 'en-us',
        };
      case 'chat':
        return {
          'context.firstName': capitalize(person.first),
          'context.lastName': capitalize(person.last),
          'context.email': person.email,
          Intent: intent,
        };
      case 'message':
        return { Intent: intent, BotOutcome: 'Escalated', CustomerTier: rng.pick(TIERS) };
      default:
        return { Intent: intent, Sentiment: rng.pick(['Negative', 'Neutral', 'Neutral', 'Positive']) };
    }
  }

  private queueWait(profile: MediaProfile, queue: Queue): number {
    const wait = this.rng.lognormal(queue.waitMedianMs, profile.queueWaitSigma);
    return Math.round(Math.min(profile.maxQueueWait, Math.max(1000, wait)));
  }

  private pickQueue(media: SimulatedMedia): Queue {
    const queues = this.catalogue.queuesByMedia[media];
    // The outbound campaign queue takes no inbound traffic.
    const campaignQueue = this.catalogue.campaigns[0]!.queueId;
    let queue = this.rng.weighted(queues, QUEUE_WEIGHTS);
    while (queue.id === campaignQueue) queue = this.rng.weighted(queues, QUEUE_WEIGHTS);
    return queue;
  }

  private pickAgent(queue: Queue, not?: Agent): Agent {
    const ids = not && queue.agentIds.length > 1 ? queue.agentIds.filter((id) => id !== not.id) : queue.agentIds;
    return this.catalogue.agentById.get(this.rng.pick(ids))!;
  }

  private flowFor(media: SimulatedMedia, divisionId: string): Flow {
    return this.catalogue.flows.find((f) => f.media === media && f.divisionId === divisionId)!;
  }

  private code(name: string): string {
    return this.catalogue.wrapupCodes.find((c) => c.name === name)!.id;
  }

  private participant(): Participant {
    return { participantId: this.rng.uuid(), sessionId: this.rng.uuid() };
  }

  private person(): Person {
    const { rng } = this;
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    return {
      first,
      last,
      phone: `tel:+1${rng.pick(AREA_CODES)}555${rng.digits(4)}`,
      email: `${first}.${last}${rng.between(1, 99)}@${rng.pick(EMAIL_DOMAINS)}`,
    };
  }
}

interface Person {
  first: string;
  last: string;
  phone: string;
  email: string;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
