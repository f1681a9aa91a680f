/**
 * The simulated events of the families besides conversation detail events, derived from the
 * conversations the simulator plans so that they agree with them:
 *
 * - **user-presence, user-routing-status, user-activity** — each agent's day on the
 *   {@link AgentFloor}: log in (AVAILABLE), on queue (ON_QUEUE / IDLE), INTERACTING from `user.start`
 *   to `acw` of every interaction they handle, breaks (BREAK / OFF_QUEUE, never with an interaction
 *   starting), log off (OFFLINE) after the last conversation. A change is published as a presence
 *   event, a routing status event and an activity event (the topics chosen).
 * - **audit** — a `UserPresence` audit for every presence change (as Genesys audits them), and
 *   configuration changes by administrators (queues, wrap-up codes, users, flows) at random times.
 * - **transcription** — for voice calls on queues with transcription enabled, the utterances of
 *   customer (`EXTERNAL`) and agent (`INTERNAL`) while the agent is connected, published a few
 *   seconds after each is spoken.
 */
import { AgentFloor } from './agent-floor.js';
import type { AgentStatus, Boundary } from './agent-floor.js';
import type { Catalogue, PresenceDefinition } from './catalogue.js';
import { activityBody, auditBody, presenceBody, routingStatusBody, transcriptionBody } from './family-bodies.js';
import type { SimulatedUtterance } from './family-bodies.js';
import { BEHAVIOUR, drawDuration } from './profiles.js';
import type { Prng } from './prng.js';
import type { ConversationPlan } from './scenarios.js';
import {
  AUDIT_TOPIC,
  TRANSCRIPTION_TOPIC,
  USER_ACTIVITY_TOPIC,
  USER_PRESENCE_TOPIC,
  USER_ROUTING_STATUS_TOPIC,
} from '../events/topics.js';
import type { TypedKind } from '../events/topics.js';

/** The families the simulator can produce: the typed kinds (`conversation` is the conversation detail events). */
export type SimulatedFamily = TypedKind;

/** One event of a family, ready to be enveloped and delivered. */
export interface FamilyEvent {
  /** `detail-type`: the generic topic. */
  detailType: string;
  /** `detail.topicName`: the concrete topic. */
  topicName: string;
  /** `eventBody` as JSON text. */
  body: string;
  /** When it happened, epoch ms (its delivery comes after). */
  eventTime: number;
}

interface Published {
  presence: AgentStatus['presence'];
  presenceSince: number;
  routing: AgentStatus['routing'];
  routingSince: number;
}

/**
 * The family events of one simulation.
 *
 * @example
 * const families = new FamilyEvents(new Set(['user-routing-status']), catalogue, rngs, orgId, firstArrival);
 * const plan = planConversation(rng, catalogue, media, t, families.available);
 * const { events, boundaries } = families.planned(plan);
 */
export class FamilyEvents {
  /** The agent floor, when a family needs agents (presence, routing status, activity, audit). */
  readonly floor: AgentFloor | undefined;
  readonly #families: ReadonlySet<SimulatedFamily>;
  readonly #catalogue: Catalogue;
  readonly #rng: Prng;
  readonly #orgId: string;
  readonly #published = new Map<string, Published>();
  #nextConfigChange: number;

  constructor(
    families: ReadonlySet<SimulatedFamily>,
    catalogue: Catalogue,
    rng: Prng,
    orgId: string,
    firstArrival: number,
  ) {
    this.#families = families;
    this.#catalogue = catalogue;
    this.#rng = rng;
    this.#orgId = orgId;
    const agents =
      families.has('user-presence') ||
      families.has('user-routing-status') ||
      families.has('user-activity') ||
      families.has('audit');
    this.floor = agents ? new AgentFloor(catalogue, rng, firstArrival) : undefined;
    this.#nextConfigChange = Math.round(firstArrival + rng.exponential(BEHAVIOUR.configChangeMeanGapMs));
  }

  /** Whether agents can take an interaction at a time (for the conversation planner), when the floor runs. */
  get available(): ((agentId: string, at: number) => boolean) | undefined {
    return this.floor?.available;
  }

  /** Boundaries to visit before any conversation: the agents logging in. */
  startBoundaries(): Boundary[] {
    return this.floor?.loginBoundaries() ?? [];
  }

  /** When the next configuration change happens, or `undefined` (no audits). */
  nextConfigChangeAt(): number | undefined {
    return this.#families.has('audit') ? this.#nextConfigChange : undefined;
  }

  /**
   * A conversation was planned: its agents' interactions go on the floor (boundaries to visit),
   * and its transcription events are made.
   */
  planned(plan: ConversationPlan): { events: FamilyEvent[]; boundaries: Boundary[] } {
    const boundaries: Boundary[] = [];
    const events: FamilyEvent[] = [];
    const starts = new Map<string, { at: number; agent: NonNullable<ConversationPlan['events'][number]['agent']> }>();
    const connected = new Map<string, { start: number; end: number }>();
    for (const e of plan.events) {
      if (!e.agent) continue;
      if (e.topic === 'user.start') starts.set(e.participantId, { at: e.eventTime, agent: e.agent });
      else if (e.topic === 'user.end') {
        const start = starts.get(e.participantId);
        if (start) connected.set(e.participantId, { start: start.at, end: e.eventTime });
      } else if (e.topic === 'acw') {
        const start = starts.get(e.participantId);
        if (start && this.floor) boundaries.push(...this.floor.assign(start.agent.userId, start.at, e.eventTime));
      }
    }
    if (this.#families.has('transcription') && plan.media === 'voice') {
      for (const [participantId, window] of connected) {
        const leg = starts.get(participantId)!.agent;
        const queue = leg.queueId ? this.#catalogue.queueById.get(leg.queueId) : undefined;
        if (queue?.transcription) events.push(...this.#transcription(plan.conversationId, leg.sessionId, window));
      }
    }
    return { events, boundaries };
  }

  /** No conversation comes any more: the agents log off after their last interaction. */
  endBoundaries(): Boundary[] {
    return this.floor?.logoffBoundaries() ?? [];
  }

  /**
   * Visits a boundary (in time order, once every conversation arriving before it is planned):
   * the events of the agent's changes, and any new boundaries (a break resolved).
   */
  visit(boundary: Boundary): { events: FamilyEvent[]; boundaries: Boundary[] } {
    const floor = this.floor!;
    const boundaries = boundary.resolveBreak ? floor.resolveBreak(boundary.agentId) : [];
    const state = floor.stateAt(boundary.agentId, boundary.time);
    const before = this.#published.get(boundary.agentId);
    const presenceChanged = before?.presence !== state.presence;
    const routingChanged = before?.routing !== state.routing;
    if (!presenceChanged && !routingChanged) return { events: [], boundaries };
    const now: Published = {
      presence: state.presence,
      presenceSince: presenceChanged ? boundary.time : before!.presenceSince,
      routing: state.routing,
      routingSince: routingChanged ? boundary.time : before!.routingSince,
    };
    this.#published.set(boundary.agentId, now);
    const agent = this.#catalogue.agentById.get(boundary.agentId)!;
    const definition = this.#definition(state.presence);
    const events: FamilyEvent[] = [];
    const userTopic = (topic: string) => topic.replace('{id}', agent.id);
    if (presenceChanged && this.#families.has('user-presence')) {
      events.push({
        detailType: USER_PRESENCE_TOPIC,
        topicName: userTopic(USER_PRESENCE_TOPIC),
        body: presenceBody(definition, boundary.time),
        eventTime: boundary.time,
      });
    }
    if (routingChanged && this.#families.has('user-routing-status')) {
      events.push({
        detailType: USER_ROUTING_STATUS_TOPIC,
        topicName: userTopic(USER_ROUTING_STATUS_TOPIC),
        body: routingStatusBody(agent.id, state.routing, boundary.time),
        eventTime: boundary.time,
      });
    }
    if (this.#families.has('user-activity')) {
      const { loginAt, onQueueAt } = floor.loginOf(agent.id);
      events.push({
        detailType: USER_ACTIVITY_TOPIC,
        topicName: userTopic(USER_ACTIVITY_TOPIC),
        body: activityBody(
          agent,
          { status: now.routing, since: now.routingSince },
          { definition, since: now.presenceSince },
          loginAt,
          state.presence === 'ON_QUEUE' ? onQueueAt : now.presenceSince,
        ),
        eventTime: boundary.time,
      });
    }
    // The agent's own presence changes are audited (entity type UserPresence), logging in included.
    const previousPresence = before?.presence ?? 'OFFLINE';
    if (presenceChanged && previousPresence !== state.presence && this.#families.has('audit')) {
      events.push(
        this.#audit({
          user: agent,
          serviceName: 'Presence',
          at: boundary.time,
          action: 'Update',
          entityType: 'UserPresence',
          entity: { id: agent.id, name: agent.name },
          propertyChanges: [
            {
              property: 'PRESENCE',
              oldValues: [this.#definition(previousPresence).label],
              newValues: [definition.label],
            },
          ],
        }),
      );
    }
    return { events, boundaries };
  }

  /** The configuration change due now (at {@link nextConfigChangeAt}) as an audit; draws the next one's time. */
  configChange(): FamilyEvent {
    const rng = this.#rng;
    const c = this.#catalogue;
    const at = this.#nextConfigChange;
    this.#nextConfigChange = Math.round(at + rng.exponential(BEHAVIOUR.configChangeMeanGapMs));
    const admin = rng.pick(c.admins);
    const kind = rng.int(4);
    if (kind === 0) {
      const queue = rng.pick(c.queues);
      const [property, values] = rng.chance(0.5)
        ? ['acwTimeoutMs', ['60000', '90000', '120000', '180000']]
        : ['alertingTimeoutSeconds', ['8', '12', '15', '30']];
      const [from, to] = twoOf(rng, values);
      return this.#audit({
        user: admin,
        serviceName: 'Routing',
        at,
        action: 'Update',
        entityType: 'Queue',
        entity: { id: queue.id, name: queue.name },
        propertyChanges: [{ property, oldValues: [from], newValues: [to] }],
      });
    }
    if (kind === 1) {
      const code = rng.pick(c.wrapupCodes);
      return this.#audit({
        user: admin,
        serviceName: 'Routing',
        at,
        action: 'Update',
        entityType: 'WrapupCode',
        entity: { id: code.id, name: code.name },
        propertyChanges: [{ property: 'name', oldValues: [code.name.toLowerCase()], newValues: [code.name] }],
      });
    }
    if (kind === 2) {
      const agent = rng.pick(c.agents);
      const [from, to] = twoOf(rng, ['Agent', 'Senior Agent', 'Team Lead', 'Specialist']);
      return this.#audit({
        user: admin,
        serviceName: 'Directory',
        at,
        action: 'Update',
        entityType: 'User',
        entity: { id: agent.id, name: agent.name },
        propertyChanges: [{ property: 'title', oldValues: [from], newValues: [to] }],
      });
    }
    const flow = rng.pick(c.flows);
    const version = Number.parseInt(flow.version, 10) + 1 + rng.int(5);
    return this.#audit({
      user: admin,
      serviceName: 'Architect',
      at,
      action: 'Update',
      entityType: 'Flow',
      entity: { id: flow.id, name: flow.name },
      propertyChanges: [{ property: 'publishedVersion', oldValues: [`${version - 1}.0`], newValues: [`${version}.0`] }],
    });
  }

  #audit(
    fields: Omit<Parameters<typeof auditBody>[0], 'id'> & { entityType: string; entity: { id: string } },
  ): FamilyEvent {
    return {
      detailType: AUDIT_TOPIC,
      topicName: `v2.audits.entitytype.${fields.entityType}.entityid.${fields.entity.id}`,
      body: auditBody({ ...fields, id: this.#rng.uuid() } as Parameters<typeof auditBody>[0]),
      eventTime: fields.at,
    };
  }

  #definition(presence: AgentStatus['presence']): PresenceDefinition {
    return this.#catalogue.presenceDefinitions[presence];
  }

  /** The transcription events of one agent's connected time on a call. */
  #transcription(conversationId: string, sessionId: string, window: { start: number; end: number }): FamilyEvent[] {
    const rng = this.#rng;
    const topicName = `v2.conversations.${conversationId}.transcription`;
    const utterances: SimulatedUtterance[] = [];
    let t = window.start + rng.between(400, 1500);
    let agentSpeaks = true; // the agent greets first
    let turn = 0;
    for (;;) {
      const duration = drawDuration(rng, BEHAVIOUR.utterance);
      if (t + duration > window.end - 200) break;
      const lines = agentSpeaks ? (turn === 0 ? GREETINGS : AGENT_LINES) : turn === 1 ? OPENERS : CUSTOMER_LINES;
      utterances.push({
        utteranceId: rng.uuid(),
        channel: agentSpeaks ? 'INTERNAL' : 'EXTERNAL',
        offsetMs: t - window.start,
        durationMs: duration,
        confidence: Math.round((0.72 + 0.26 * rng.float()) * 1000) / 1000,
        transcript: rng.pick(lines),
      });
      t += duration + rng.between(...BEHAVIOUR.utteranceGap);
      // Mostly turn-taking; now and then the same speaker goes on.
      if (rng.chance(0.85)) agentSpeaks = !agentSpeaks;
      turn++;
    }
    const events: FamilyEvent[] = [];
    const transcriptionStart = window.start - rng.between(20, 80);
    for (let i = 0; i < utterances.length;) {
      const group = utterances.slice(i, i + 1 + rng.int(4));
      i += group.length;
      const last = group[group.length - 1]!;
      const at = window.start + last.offsetMs + last.durationMs + rng.between(...BEHAVIOUR.transcriptionDelay);
      events.push({
        detailType: TRANSCRIPTION_TOPIC,
        topicName,
        body: transcriptionBody({
          at,
          organizationId: this.#orgId,
          conversationId,
          communicationId: sessionId,
          sessionStartTimeMs: window.start,
          transcriptionStartTimeMs: transcriptionStart,
          utterances: group,
        }),
        eventTime: at,
      });
    }
    return events;
  }
}

function twoOf(rng: Prng, values: readonly string[]): [string, string] {
  const from = rng.int(values.length);
  const to = (from + 1 + rng.int(values.length - 1)) % values.length;
  return [values[from]!, values[to]!];
}

const GREETINGS = [
  'Thank you for calling, my name is Sam, how can I help you today?',
  'Good morning, you are speaking with Alex, how can I help?',
  'Hello, thanks for holding, how can I help you today?',
];
const OPENERS = [
  'Hi, I have a question about my latest bill.',
  'Hello, my internet keeps dropping since yesterday.',
  'Hi, I would like to change the address on my account.',
  'Hello, I was charged twice for the same order.',
];
const AGENT_LINES = [
  'Let me pull up your account, could you confirm your date of birth?',
  'I can see that on my side, give me a moment.',
  'I have applied the credit, you will see it on your next statement.',
  'Is there anything else I can help you with today?',
  'I understand, let me check the options we have.',
  'I have updated that for you.',
];
const CUSTOMER_LINES = [
  'Sure, it is the fourth of March.',
  'Okay, thank you.',
  'That would be great.',
  'No, that is all, thanks for your help.',
  'Could you send me a confirmation by email?',
  'How long will that take?',
];
