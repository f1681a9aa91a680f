/**
 * The conversation projection: one summary per conversation, computed as a pure fold over the
 * set of its facts.
 *
 * Order-insensitive and duplicate-safe by construction: the facts are de-duplicated by event key
 * and sorted by `(eventTime, key)` before folding, so any arrival order and any number of
 * re-deliveries give the same projection.
 *
 * Figures and the Genesys fields they come from:
 *
 * | figure | from |
 * | --- | --- |
 * | `firstEventTime` / `lastEventTime` | min / max `eventTime` |
 * | `mediaType`, `direction`, `ani`, `dnis` | the earliest `customer.start` carrying it, else the earliest event carrying it |
 * | `queueIds` | `queueId` of any event, in order of first appearance |
 * | `userIds` (agents) | `userId` of `user.start`, `user.end`, `acw`, in order of first appearance |
 * | `queueWaitMs` | Σ `acd.end.connectedDurationMs` (time the ACD leg was connected = time in queue); without it, `acd.end.eventTime` − the matching `acd.start.eventTime` |
 * | `abandoned` | some `acd.end` has `acdOutcome: "ABANDON"` (SDK enum: `ANSWERED`, `ABANDON`, `FLOW_OUT`) |
 * | `interactingMs`, `holdMs` | Σ `user.end.interactingDurationMs`, Σ `user.end.heldDurationMs` |
 * | `talkMs` | Σ per `user.end` of max(0, interacting − held): interacting time includes time on hold |
 * | `acwMs` | Σ `acw.wrapupDurationMs` per participant; for a participant with no `acw` event, its `wrapup.wrapupDurationMs` |
 * | `wrapupCodes` | `wrapupCode` of `acw` and `wrapup`, in order of first appearance |
 * | `disconnectType` | the latest `customer.end` carrying it, else the latest event carrying it |
 * | `state` | `ended` once a `customer.end` is seen, else `active` |
 * | `eventCounts` / `eventCount` | distinct events per topic / in all |
 */
import type { ConversationTopic } from '../events/index.js';
import type { ConversationFact } from './facts.js';

/** The summary of one conversation. Optional fields are absent (not `undefined`) when unknown. */
export interface ConversationProjection {
  conversationId: string;
  state: 'active' | 'ended';
  firstEventTime: number;
  lastEventTime: number;
  mediaType?: string;
  direction?: string;
  ani?: string;
  dnis?: string;
  queueIds: string[];
  userIds: string[];
  queueWaitMs: number;
  abandoned: boolean;
  interactingMs: number;
  talkMs: number;
  holdMs: number;
  acwMs: number;
  wrapupCodes: string[];
  disconnectType?: string;
  eventCount: number;
  eventCounts: Partial<Record<ConversationTopic, number>>;
}

/** Raised for an empty fact set or facts of several conversations. */
export class ProjectionError extends Error {
  override readonly name = 'ProjectionError';
}

/** Facts de-duplicated by key and sorted by `(eventTime, key)`: the canonical order of a set. */
export function canonicalFacts(facts: Iterable<ConversationFact>): ConversationFact[] {
  const byKey = new Map<string, ConversationFact>();
  for (const fact of facts) if (!byKey.has(fact.key)) byKey.set(fact.key, fact);
  return [...byKey.values()].sort((a, b) => a.eventTime - b.eventTime || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Folds a conversation's facts into its projection.
 *
 * @throws {ProjectionError} when `facts` is empty or mixes conversations.
 * @example
 * const projection = projectConversation(events.map(factOf));
 * projection.state; // 'ended' once customer.end was seen
 */
export function projectConversation(facts: Iterable<ConversationFact>): ConversationProjection {
  const ordered = canonicalFacts(facts);
  const first = ordered[0];
  if (!first) throw new ProjectionError('A projection needs at least one fact.');
  const conversationId = first.conversationId;
  const other = ordered.find((f) => f.conversationId !== conversationId);
  if (other) throw new ProjectionError(`Facts of two conversations were folded together: ${conversationId} and ${other.conversationId}.`);

  const customerStarts = ordered.filter((f) => f.topic === 'customer.start');
  const earliest = <K extends 'mediaType' | 'direction' | 'ani' | 'dnis'>(field: K): string | undefined =>
    customerStarts.find((f) => f[field] !== undefined)?.[field] ?? ordered.find((f) => f[field] !== undefined)?.[field];

  const eventCounts: Partial<Record<ConversationTopic, number>> = {};
  const queueIds = new Set<string>();
  const userIds = new Set<string>();
  const wrapupCodes = new Set<string>();
  let queueWaitMs = 0;
  let abandoned = false;
  let interactingMs = 0;
  let talkMs = 0;
  let holdMs = 0;
  let ended = false;
  let disconnectType: string | undefined;
  let customerDisconnectType: string | undefined;
  const acdStarts = ordered.filter((f) => f.topic === 'acd.start');
  const acwByParticipant = new Map<string, number>();
  const wrapupByParticipant = new Map<string, number>();

  for (const fact of ordered) {
    eventCounts[fact.topic] = (eventCounts[fact.topic] ?? 0) + 1;
    if (fact.queueId) queueIds.add(fact.queueId);
    if (fact.disconnectType) disconnectType = fact.disconnectType;
    const participant = fact.participantId ?? fact.userId ?? fact.key;
    switch (fact.topic) {
      case 'acd.end': {
        if (fact.acdOutcome === 'ABANDON') abandoned = true;
        if (fact.connectedDurationMs !== undefined) queueWaitMs += fact.connectedDurationMs;
        else {
          const start = matchingStart(acdStarts, fact);
          if (start) queueWaitMs += Math.max(0, fact.eventTime - start.eventTime);
        }
        break;
      }
      case 'user.start':
        if (fact.userId) userIds.add(fact.userId);
        break;
      case 'user.end': {
        if (fact.userId) userIds.add(fact.userId);
        const interacting = fact.interactingDurationMs ?? 0;
        const held = fact.heldDurationMs ?? 0;
        interactingMs += interacting;
        holdMs += held;
        talkMs += Math.max(0, interacting - held);
        break;
      }
      case 'acw':
        if (fact.userId) userIds.add(fact.userId);
        if (fact.wrapupCode) wrapupCodes.add(fact.wrapupCode);
        acwByParticipant.set(participant, (acwByParticipant.get(participant) ?? 0) + (fact.wrapupDurationMs ?? 0));
        break;
      case 'wrapup':
        if (fact.wrapupCode) wrapupCodes.add(fact.wrapupCode);
        wrapupByParticipant.set(participant, (wrapupByParticipant.get(participant) ?? 0) + (fact.wrapupDurationMs ?? 0));
        break;
      case 'customer.end':
        ended = true;
        if (fact.disconnectType) customerDisconnectType = fact.disconnectType;
        break;
      default:
        break;
    }
  }

  let acwMs = 0;
  for (const ms of acwByParticipant.values()) acwMs += ms;
  for (const [participant, ms] of wrapupByParticipant) if (!acwByParticipant.has(participant)) acwMs += ms;

  const projection: ConversationProjection = {
    conversationId,
    state: ended ? 'ended' : 'active',
    firstEventTime: first.eventTime,
    lastEventTime: ordered[ordered.length - 1]!.eventTime,
    queueIds: [...queueIds],
    userIds: [...userIds],
    queueWaitMs,
    abandoned,
    interactingMs,
    talkMs,
    holdMs,
    acwMs,
    wrapupCodes: [...wrapupCodes],
    eventCount: ordered.length,
    eventCounts,
  };
  for (const field of ['mediaType', 'direction', 'ani', 'dnis'] as const) {
    const value = earliest(field);
    if (value !== undefined) projection[field] = value;
  }
  const finalDisconnect = customerDisconnectType ?? disconnectType;
  if (finalDisconnect !== undefined) projection.disconnectType = finalDisconnect;
  return projection;
}

/** The latest `acd.start` of the same ACD participant and queue at or before `end`. */
function matchingStart(starts: readonly ConversationFact[], end: ConversationFact): ConversationFact | undefined {
  let best: ConversationFact | undefined;
  for (const start of starts) {
    if (start.eventTime > end.eventTime) continue;
    if (end.participantId !== undefined && start.participantId !== end.participantId) continue;
    if (end.queueId !== undefined && start.queueId !== undefined && start.queueId !== end.queueId) continue;
    if (!best || start.eventTime >= best.eventTime) best = start;
  }
  return best;
}
