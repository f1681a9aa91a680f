/**
 * The agent-state projection: per user, the current presence and routing status with since
 * when, and the history of both with durations — a pure, order-insensitive fold over the set of
 * the user's *state facts*.
 *
 * A state fact is one observed state of one dimension: "routing status IDLE since 10:02:07",
 * "presence BREAK (definition …) since 10:15:00". Events of three topics give them:
 *
 * | event | facts |
 * | --- | --- |
 * | `v2.users.{id}.presence` | presence: `presenceDefinition.systemPresence` and `.id`, since `modifiedDate` (else the event's time); a non-primary presence (`primary: false`, e.g. from another presence source) gives none |
 * | `v2.users.{id}.routingStatus` | routing: `routingStatus.status` since `routingStatus.startTime` (else the event's time) |
 * | `v2.users.{id}.activity` | both, when present: `routingStatus.status` since `.startTime`, `presence.presenceDefinition` since `presence.modifiedDate` |
 *
 * A fact is identified by what it says ({@link agentFactId}: dimension, since, state), not by the
 * event that carried it: the same state reported by a presence event and an activity event is one
 * fact, and re-delivered events add nothing. The current state of a dimension is its fact with the
 * latest `since` (ties: the larger id); the history lists every fact in `since` order, each lasting
 * until the next fact of its dimension. So any arrival order and any number of re-deliveries give
 * the same projection.
 */
import type { AgentStateEvent } from '../events/index.js';

/** The two things a user's state is made of. */
export type AgentDimension = 'presence' | 'routing';

/** One observed state of one dimension of a user. Optional fields are absent when unknown. */
export interface AgentStateFact {
  userId: string;
  /** The fact's identity within the user (see {@link agentFactId}). */
  id: string;
  dimension: AgentDimension;
  /** When the state began, epoch ms. */
  since: number;
  /** Routing: the routing status (`IDLE`, …); presence: the system presence (`ON_QUEUE`, `BREAK`, …). */
  status: string;
  /** Presence: the presence definition id (an org's own presences share a system presence). */
  presenceDefinitionId?: string;
  /** Presence: the presence message, when one was set. */
  message?: string;
}

/** `routing#<since>#<status>` or `presence#<since>#<status>#<definition id>`: equal for equal facts. */
export function agentFactId(
  fact: Pick<AgentStateFact, 'dimension' | 'since' | 'status' | 'presenceDefinitionId'>,
): string {
  const since = String(fact.since).padStart(15, '0');
  return fact.dimension === 'routing'
    ? `routing#${since}#${fact.status}`
    : `presence#${since}#${fact.status}#${fact.presenceDefinitionId ?? ''}`;
}

/**
 * The state facts an agent-state event carries (zero, one or two).
 *
 * @example
 * agentFactsOf(routingStatusEvent) // → [{ userId, dimension: 'routing', status: 'IDLE', since: 1767268800000, id: 'routing#…' }]
 */
export function agentFactsOf(event: AgentStateEvent): AgentStateFact[] {
  const userId = event.userId;
  switch (event.kind) {
    case 'user-presence': {
      const body = event.body;
      if (body.primary === false) return [];
      return [
        presenceFact(
          userId,
          event.time,
          body.presenceDefinition.systemPresence,
          body.presenceDefinition.id,
          body.message,
        ),
      ];
    }
    case 'user-routing-status':
      return [
        routingFact(userId, dateMs(event.body.routingStatus.startTime) ?? event.time, event.body.routingStatus.status),
      ];
    case 'user-activity': {
      const facts: AgentStateFact[] = [];
      const { routingStatus, presence } = event.body;
      if (routingStatus?.status)
        facts.push(routingFact(userId, dateMs(routingStatus.startTime) ?? event.time, routingStatus.status));
      const definition = presence?.presenceDefinition;
      if (definition?.systemPresence) {
        facts.push(
          presenceFact(
            userId,
            dateMs(presence?.modifiedDate) ?? event.time,
            definition.systemPresence,
            definition.id,
            presence?.presenceMessage,
          ),
        );
      }
      return facts;
    }
  }
}

function routingFact(userId: string, since: number, status: string): AgentStateFact {
  const fact: AgentStateFact = { userId, id: '', dimension: 'routing', since, status };
  fact.id = agentFactId(fact);
  return fact;
}

function presenceFact(
  userId: string,
  since: number,
  status: string,
  presenceDefinitionId: string | undefined,
  message: string | undefined,
): AgentStateFact {
  const fact: AgentStateFact = { userId, id: '', dimension: 'presence', since, status };
  if (presenceDefinitionId) fact.presenceDefinitionId = presenceDefinitionId;
  if (message) fact.message = message;
  fact.id = agentFactId(fact);
  return fact;
}

function dateMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The canonical order of a user's facts: by `since`, then by id. */
export function compareAgentFacts(a: AgentStateFact, b: AgentStateFact): number {
  return a.since - b.since || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** True when `candidate` replaces `current` as the current state of its dimension (a later `(since, id)`). */
export function isLaterAgentFact(
  candidate: Pick<AgentStateFact, 'since' | 'id'>,
  current: Pick<AgentStateFact, 'since' | 'id'> | undefined,
): boolean {
  return (
    current === undefined ||
    candidate.since > current.since ||
    (candidate.since === current.since && candidate.id > current.id)
  );
}

/** A user's current presence. */
export interface CurrentPresence {
  systemPresence: string;
  presenceDefinitionId?: string;
  message?: string;
  /** Since when, epoch ms. */
  since: number;
}

/** A user's current routing status. */
export interface CurrentRoutingStatus {
  status: string;
  /** Since when, epoch ms. */
  since: number;
}

/** The current state of one user. */
export interface AgentState {
  userId: string;
  presence?: CurrentPresence;
  routingStatus?: CurrentRoutingStatus;
}

/** One entry of a user's state history. */
export interface AgentStateHistoryEntry {
  dimension: AgentDimension;
  status: string;
  presenceDefinitionId?: string;
  since: number;
  /** When the next state of this dimension began; absent for the current one. */
  until?: number;
  /** `until − since`; absent for the current one. */
  durationMs?: number;
}

/** The current state of a user and its history (both dimensions, in `since` order). */
export interface AgentStateWithHistory extends AgentState {
  history: AgentStateHistoryEntry[];
}

/** The current state a dimension's latest fact gives. */
export function currentOf(fact: AgentStateFact): CurrentPresence | CurrentRoutingStatus {
  if (fact.dimension === 'routing') return { status: fact.status, since: fact.since };
  const presence: CurrentPresence = { systemPresence: fact.status, since: fact.since };
  if (fact.presenceDefinitionId) presence.presenceDefinitionId = fact.presenceDefinitionId;
  if (fact.message) presence.message = fact.message;
  return presence;
}

/**
 * Folds a user's facts (any order, duplicates allowed) into the current state and the history.
 *
 * @throws {RangeError} when the facts are of several users.
 */
export function projectAgent(userId: string, facts: Iterable<AgentStateFact>): AgentStateWithHistory {
  const byId = new Map<string, AgentStateFact>();
  for (const fact of facts) {
    if (fact.userId !== userId)
      throw new RangeError(`Facts of two users were folded together: ${userId} and ${fact.userId}.`);
    if (!byId.has(fact.id)) byId.set(fact.id, fact);
  }
  const ordered = [...byId.values()].sort(compareAgentFacts);
  const state: AgentStateWithHistory = { userId, history: [] };
  const lastOf: Partial<Record<AgentDimension, AgentStateHistoryEntry>> = {};
  for (const fact of ordered) {
    const entry: AgentStateHistoryEntry = { dimension: fact.dimension, status: fact.status, since: fact.since };
    if (fact.presenceDefinitionId) entry.presenceDefinitionId = fact.presenceDefinitionId;
    const previous = lastOf[fact.dimension];
    if (previous) {
      previous.until = fact.since;
      previous.durationMs = fact.since - previous.since;
    }
    lastOf[fact.dimension] = entry;
    state.history.push(entry);
    if (fact.dimension === 'routing') state.routingStatus = currentOf(fact) as CurrentRoutingStatus;
    else state.presence = currentOf(fact) as CurrentPresence;
  }
  return state;
}

/**
 * Time spent in each state within `[from, to]`, per dimension: the history clipped to the window,
 * the current state counted until `to`. "How long was Ann in Break today": `presence.BREAK`.
 *
 * @example
 * timeInStates(history, Date.UTC(2026, 0, 1), Date.now()).presence.BREAK // ms on break today
 */
export function timeInStates(
  history: readonly AgentStateHistoryEntry[],
  from: number,
  to: number,
): Record<AgentDimension, Record<string, number>> {
  const totals: Record<AgentDimension, Record<string, number>> = { presence: {}, routing: {} };
  for (const entry of history) {
    const start = Math.max(from, entry.since);
    const end = Math.min(to, entry.until ?? to);
    if (end <= start) continue;
    const bucket = totals[entry.dimension];
    bucket[entry.status] = (bucket[entry.status] ?? 0) + (end - start);
  }
  return totals;
}
