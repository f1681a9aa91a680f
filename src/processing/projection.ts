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
 * | `answered` | some `acd.end` has `acdOutcome: "ANSWERED"` |
 * | `abandoned` | some `acd.end` has `acdOutcome: "ABANDON"` (SDK enum: `ANSWERED`, `ABANDON`, `FLOW_OUT`) |
 * | `waitingQueueId` | while `active`: the `queueId` of the open ACD leg (see {@link ConversationProjection.waitingQueueId}) |
 * | `interactingMs`, `holdMs` | Σ `user.end.interactingDurationMs`, Σ `user.end.heldDurationMs` |
 * | `talkMs` | Σ per `user.end` of max(0, interacting − held): interacting time includes time on hold |
 * | `acwMs` | Σ `acw.wrapupDurationMs` per participant; for a participant with no `acw` event, its `wrapup.wrapupDurationMs` |
 * | `handleMs` | `talkMs + holdMs + acwMs` |
 * | `wrapupCodes` | `wrapupCode` of `acw` and `wrapup`, in order of first appearance |
 * | `disconnectType` | the latest `customer.end` carrying it, else the latest event carrying it |
 * | `state` | `ended` once a `customer.end` is seen, else `active` |
 * | `eventCounts` / `eventCount` | distinct events per topic / in all |
 */
import { ProjectionError } from './errors.js';
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
  /** Some `acd.end` has `acdOutcome: "ANSWERED"`: an agent took the conversation from a queue. */
  answered: boolean;
  /** Some `acd.end` has `acdOutcome: "ABANDON"`: the customer left a queue (or the dialler dropped the call). */
  abandoned: boolean;
  /**
   * The queue the conversation is waiting in now: present only while the conversation is
   * `active` and has an *open ACD leg* — an `acd.start` with no matching `acd.end` yet.
   *
   * A leg is one ACD participant (`participantId`), split by `sessionId` when every ACD event of
   * that participant carries one. A leg is open while it has more `acd.start` than `acd.end`
   * events, so a participant queued twice is matched cycle by cycle. When several legs are open
   * (after a transfer, the new queue's `acd.start` can arrive before the old queue's
   * `acd.end`), the leg whose latest `acd.start` is last in `(eventTime, key)` order wins; its
   * `acd.start.queueId` is the value (absent if that event has none).
   */
  waitingQueueId?: string;
  interactingMs: number;
  talkMs: number;
  holdMs: number;
  acwMs: number;
  /**
   * Handle time: `talkMs + holdMs + acwMs` — every agent segment's interacting time (hold
   * included) and after-call work. Genesys Cloud's *handle* of an answered interaction; 0 when no
   * agent handled the conversation.
   */
  handleMs: number;
  wrapupCodes: string[];
  disconnectType?: string;
  eventCount: number;
  eventCounts: Partial<Record<ConversationTopic, number>>;
}

/** The canonical order of facts: by `eventTime`, then by key. */
function compareFacts(a: ConversationFact, b: ConversationFact): number {
  return a.eventTime - b.eventTime || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Facts de-duplicated by key and sorted by `(eventTime, key)`: the canonical order of a set. */
export function canonicalFacts(facts: Iterable<ConversationFact>): ConversationFact[] {
  const byKey = new Map<string, ConversationFact>();
  for (const fact of facts) if (!byKey.has(fact.key)) byKey.set(fact.key, fact);
  return [...byKey.values()].sort(compareFacts);
}

/**
 * Inserts `fact` into `ordered` (canonical: de-duplicated, sorted by {@link compareFacts}) in
 * place, keeping it canonical. Returns where `fact` went (its index), or -1 (and changes nothing)
 * when a fact with the same key is already there.
 */
export function insertCanonicalAt(ordered: ConversationFact[], fact: ConversationFact): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareFacts(ordered[mid]!, fact) < 0) low = mid + 1;
    else high = mid;
  }
  // The key hashes the event body, which holds eventTime: a duplicate sorts exactly at `low`.
  if (low < ordered.length && ordered[low]!.key === fact.key) return -1;
  if (low === ordered.length) ordered.push(fact);
  else ordered.splice(low, 0, fact);
  return low;
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
  return projectCanonical(canonicalFacts(facts));
}

/**
 * {@link projectConversation} of facts already in canonical order (as {@link canonicalFacts} or
 * {@link insertCanonicalAt} leave them); stores that keep the order use it to skip the sort.
 *
 * @throws {ProjectionError} when `ordered` is empty or mixes conversations.
 */
export function projectCanonical(ordered: readonly ConversationFact[]): ConversationProjection {
  return ProjectionFold.of(ordered).projection();
}

/**
 * The running state of the fold behind {@link projectCanonical}, for stores that keep a
 * conversation's facts in memory: after a fact that sorts last (a later `eventTime` than every
 * fact so far, as most live events do) the projection is one step away instead of a fold over
 * every fact again. `ProjectionFold.of(ordered).projection()` *is* `projectCanonical(ordered)`,
 * and `fold.append(fact, ordered)` followed by `projection()` gives exactly what a fold over the
 * whole of `ordered` gives (the step is the same code).
 *
 * @example
 * const fold = ProjectionFold.of(ordered);
 * const at = insertCanonicalAt(ordered, fact);
 * if (at >= 0 && !fold.append(fact, ordered)) fold = ProjectionFold.of(ordered); // not last: fold again
 * fold.projection();
 */
export class ProjectionFold {
  readonly conversationId: string;
  readonly firstEventTime: number;
  /** `eventTime` of the last fact folded (the largest). */
  lastEventTime: number;
  eventCount = 0;
  readonly #eventCounts: Partial<Record<ConversationTopic, number>> = {};
  // Small lists in order of first appearance (a handful of values: arrays beat sets here).
  readonly #queueIds: string[] = [];
  readonly #userIds: string[] = [];
  readonly #wrapupCodes: string[] = [];
  /** Per EARLIEST_FIELDS index: the value of the earliest `customer.start` / event carrying it. */
  readonly #fromCustomerStart: (string | undefined)[] = [undefined, undefined, undefined, undefined];
  readonly #fromAnyEvent: (string | undefined)[] = [undefined, undefined, undefined, undefined];
  #queueWaitMs = 0;
  #answered = false;
  #abandoned = false;
  #interactingMs = 0;
  #talkMs = 0;
  #holdMs = 0;
  #ended = false;
  #disconnectType: string | undefined;
  #customerDisconnectType: string | undefined;
  readonly #acdFacts: ConversationFact[] = [];
  /** {@link openLegQueue} of `#acdFacts`, once computed (`null`: not computed since the last ACD fact). */
  #waitingQueueId: string | undefined | null = null;
  #acwByParticipant: Map<string, number> | undefined;
  #wrapupByParticipant: Map<string, number> | undefined;

  private constructor(first: ConversationFact) {
    this.conversationId = first.conversationId;
    this.firstEventTime = first.eventTime;
    this.lastEventTime = first.eventTime;
  }

  /**
   * The fold over `ordered` (canonical order).
   *
   * @throws {ProjectionError} when `ordered` is empty or mixes conversations.
   */
  static of(ordered: readonly ConversationFact[]): ProjectionFold {
    const first = ordered[0];
    if (!first) throw new ProjectionError('A projection needs at least one fact.');
    const fold = new ProjectionFold(first);
    for (const fact of ordered) fold.#step(fact, ordered);
    return fold;
  }

  /**
   * Folds `fact`, the last element of `ordered` (canonical order, `fact` already inserted), when
   * its `eventTime` is later than that of every fact folded so far; returns `false` and changes
   * nothing otherwise (fold `ordered` again with {@link ProjectionFold.of}).
   *
   * @throws {ProjectionError} when `fact` is of another conversation.
   */
  append(fact: ConversationFact, ordered: readonly ConversationFact[]): boolean {
    if (!(fact.eventTime > this.lastEventTime) || ordered[ordered.length - 1] !== fact) return false;
    this.#step(fact, ordered);
    return true;
  }

  /** The fold step of one fact (in canonical order); `ordered` is the whole canonical set. */
  #step(fact: ConversationFact, ordered: readonly ConversationFact[]): void {
    if (fact.conversationId !== this.conversationId) {
      throw new ProjectionError(
        `Facts of two conversations were folded together: ${this.conversationId} and ${fact.conversationId}.`,
      );
    }
    this.eventCount++;
    this.lastEventTime = fact.eventTime;
    const topic = fact.topic;
    const eventCounts = this.#eventCounts;
    eventCounts[topic] = (eventCounts[topic] ?? 0) + 1;
    if (fact.queueId) addUnique(this.#queueIds, fact.queueId);
    if (fact.disconnectType) this.#disconnectType = fact.disconnectType;
    const isCustomerStart = topic === 'customer.start';
    const fromAnyEvent = this.#fromAnyEvent;
    const fromCustomerStart = this.#fromCustomerStart;
    for (let i = 0; i < EARLIEST_FIELDS.length; i++) {
      const value = fact[EARLIEST_FIELDS[i]!];
      if (value === undefined) continue;
      if (fromAnyEvent[i] === undefined) fromAnyEvent[i] = value;
      if (isCustomerStart && fromCustomerStart[i] === undefined) fromCustomerStart[i] = value;
    }
    switch (topic) {
      case 'acd.start':
        this.#acdFacts.push(fact);
        this.#waitingQueueId = null;
        break;
      case 'acd.end': {
        this.#acdFacts.push(fact);
        this.#waitingQueueId = null;
        if (fact.acdOutcome === 'ANSWERED') this.#answered = true;
        else if (fact.acdOutcome === 'ABANDON') this.#abandoned = true;
        if (fact.connectedDurationMs !== undefined) this.#queueWaitMs += fact.connectedDurationMs;
        else {
          const start = matchingStart(ordered, fact);
          if (start) this.#queueWaitMs += Math.max(0, fact.eventTime - start.eventTime);
        }
        break;
      }
      case 'user.start':
        if (fact.userId) addUnique(this.#userIds, fact.userId);
        break;
      case 'user.end': {
        if (fact.userId) addUnique(this.#userIds, fact.userId);
        const interacting = fact.interactingDurationMs ?? 0;
        const held = fact.heldDurationMs ?? 0;
        this.#interactingMs += interacting;
        this.#holdMs += held;
        this.#talkMs += Math.max(0, interacting - held);
        break;
      }
      case 'acw': {
        if (fact.userId) addUnique(this.#userIds, fact.userId);
        if (fact.wrapupCode) addUnique(this.#wrapupCodes, fact.wrapupCode);
        const participant = fact.participantId ?? fact.userId ?? fact.key;
        const acw = (this.#acwByParticipant ??= new Map());
        acw.set(participant, (acw.get(participant) ?? 0) + (fact.wrapupDurationMs ?? 0));
        break;
      }
      case 'wrapup': {
        if (fact.wrapupCode) addUnique(this.#wrapupCodes, fact.wrapupCode);
        const participant = fact.participantId ?? fact.userId ?? fact.key;
        const wrapup = (this.#wrapupByParticipant ??= new Map());
        wrapup.set(participant, (wrapup.get(participant) ?? 0) + (fact.wrapupDurationMs ?? 0));
        break;
      }
      case 'customer.end':
        this.#ended = true;
        if (fact.disconnectType) this.#customerDisconnectType = fact.disconnectType;
        break;
      default:
        break;
    }
  }

  /** {@link ConversationProjection.state} of the facts folded so far. */
  get state(): ConversationProjection['state'] {
    return this.#ended ? 'ended' : 'active';
  }

  /** {@link ConversationProjection.answered} of the facts folded so far. */
  get answered(): boolean {
    return this.#answered;
  }

  /** {@link ConversationProjection.abandoned} of the facts folded so far. */
  get abandoned(): boolean {
    return this.#abandoned;
  }

  /** {@link ConversationProjection.waitingQueueId} of the facts folded so far. */
  get waitingQueueId(): string | undefined {
    if (this.#ended) return undefined;
    if (this.#waitingQueueId === null) this.#waitingQueueId = openLegQueue(this.#acdFacts);
    return this.#waitingQueueId;
  }

  /** {@link ConversationProjection.acwMs} of the facts folded so far. */
  get acwMs(): number {
    let acwMs = 0;
    const acwByParticipant = this.#acwByParticipant;
    if (acwByParticipant) for (const ms of acwByParticipant.values()) acwMs += ms;
    if (this.#wrapupByParticipant)
      for (const [participant, ms] of this.#wrapupByParticipant) if (!acwByParticipant?.has(participant)) acwMs += ms;
    return acwMs;
  }

  /** {@link ConversationProjection.handleMs} of the facts folded so far. */
  get handleMs(): number {
    return this.#talkMs + this.#holdMs + this.acwMs;
  }

  /** The projection of the facts folded so far (a new object, sharing nothing with the fold). */
  projection(): ConversationProjection {
    const acwMs = this.acwMs;
    const talkMs = this.#talkMs;
    const holdMs = this.#holdMs;
    const projection: ConversationProjection = {
      conversationId: this.conversationId,
      state: this.state,
      firstEventTime: this.firstEventTime,
      lastEventTime: this.lastEventTime,
      queueIds: this.#queueIds.slice(),
      userIds: this.#userIds.slice(),
      queueWaitMs: this.#queueWaitMs,
      answered: this.#answered,
      abandoned: this.#abandoned,
      interactingMs: this.#interactingMs,
      talkMs,
      holdMs,
      acwMs,
      handleMs: talkMs + holdMs + acwMs,
      wrapupCodes: this.#wrapupCodes.slice(),
      eventCount: this.eventCount,
      eventCounts: { ...this.#eventCounts },
    };
    for (let i = 0; i < EARLIEST_FIELDS.length; i++) {
      const value = this.#fromCustomerStart[i] ?? this.#fromAnyEvent[i];
      if (value !== undefined) projection[EARLIEST_FIELDS[i]!] = value;
    }
    const finalDisconnect = this.#customerDisconnectType ?? this.#disconnectType;
    if (finalDisconnect !== undefined) projection.disconnectType = finalDisconnect;
    const waitingQueueId = this.waitingQueueId;
    if (waitingQueueId !== undefined) projection.waitingQueueId = waitingQueueId;
    return projection;
  }
}

const EARLIEST_FIELDS = ['mediaType', 'direction', 'ani', 'dnis'] as const;

function addUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** The latest `acd.start` of the same ACD participant and queue at or before `end`. */
function matchingStart(ordered: readonly ConversationFact[], end: ConversationFact): ConversationFact | undefined {
  let best: ConversationFact | undefined;
  for (const start of ordered) {
    if (start.topic !== 'acd.start') continue;
    if (start.eventTime > end.eventTime) continue;
    if (end.participantId !== undefined && start.participantId !== end.participantId) continue;
    if (end.queueId !== undefined && start.queueId !== undefined && start.queueId !== end.queueId) continue;
    if (!best || start.eventTime >= best.eventTime) best = start;
  }
  return best;
}

/**
 * The queue of the open ACD leg whose latest `acd.start` comes last, from the conversation's
 * `acd.start` / `acd.end` facts in canonical order. See {@link ConversationProjection.waitingQueueId}.
 */
function openLegQueue(acdFacts: readonly ConversationFact[]): string | undefined {
  if (acdFacts.length === 0) return undefined;
  // A participant's legs are split by session only when all its ACD events name one.
  const participantOf = (f: ConversationFact): string =>
    f.participantId !== undefined
      ? `p:${f.participantId}`
      : f.sessionId !== undefined
        ? `s:${f.sessionId}`
        : `q:${f.queueId ?? ''}`;
  const withoutSession = new Set<string>();
  for (const f of acdFacts) if (f.sessionId === undefined) withoutSession.add(participantOf(f));

  const legs = new Map<string, { open: number; latestStart?: ConversationFact; latestIndex: number }>();
  acdFacts.forEach((f, index) => {
    const participant = participantOf(f);
    const legKey = withoutSession.has(participant) ? participant : `${participant}\u0000${f.sessionId!}`;
    let leg = legs.get(legKey);
    if (!leg) legs.set(legKey, (leg = { open: 0, latestIndex: -1 }));
    if (f.topic === 'acd.start') {
      leg.open++;
      leg.latestStart = f;
      leg.latestIndex = index;
    } else {
      leg.open--;
    }
  });
  let waiting: { latestStart?: ConversationFact; latestIndex: number } | undefined;
  for (const leg of legs.values()) {
    if (leg.open > 0 && (!waiting || leg.latestIndex > waiting.latestIndex)) waiting = leg;
  }
  return waiting?.latestStart?.queueId;
}
