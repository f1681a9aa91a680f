/**
 * The agents' day, consistent with the conversations they handle: each agent logs in, goes on
 * queue, is INTERACTING while an interaction they handle is connected or in after-call work (from
 * `user.start` to `acw`, as Genesys counts it), IDLE on queue otherwise, takes breaks, logs off.
 *
 * The floor is told of every interaction when its conversation is planned ({@link assign}), and
 * answers which agents can take an interaction at a time ({@link available}) — the planner picks
 * only among them. Breaks are requested after an interaction (a small chance, a cool-down, and
 * never the last available member of a queue), start once every interaction the agent began
 * before the request has ended, and block new interactions until they end; so no interaction
 * starts during a break.
 *
 * States are read at *boundaries* (an interaction starting or ending, a break, a log-in or
 * log-off): {@link stateAt} gives the presence and routing status at a time, final as soon as
 * every conversation arriving before that time has been planned (an interaction never starts
 * before its conversation arrives). The generator visits each boundary in time order after that
 * and publishes the changes.
 */
import type { Agent, Catalogue } from './catalogue.js';
import { BEHAVIOUR, drawDuration } from './profiles.js';
import type { Prng } from './prng.js';

/** An agent's presence and routing status at a moment. */
export interface AgentStatus {
  /** `AVAILABLE`, `ON_QUEUE`, `BREAK` or `OFFLINE`. */
  presence: 'AVAILABLE' | 'ON_QUEUE' | 'BREAK' | 'OFFLINE';
  /** `OFF_QUEUE`, `IDLE` or `INTERACTING`. */
  routing: 'OFF_QUEUE' | 'IDLE' | 'INTERACTING';
}

interface AgentDay {
  agent: Agent;
  /** Log-in (presence AVAILABLE), on queue, log-off (`Infinity` until known). */
  loginAt: number;
  onQueueAt: number;
  logoffAt: number;
  /** Interactions not yet over: [start, end) (user.start → acw), pruned as time passes. */
  interactions: { start: number; end: number }[];
  /** The latest end of any interaction assigned. */
  lastEnd: number;
  /** A pending break: requested at `requestedAt`; `start`/`end` once resolved. */
  breakRequest: { requestedAt: number; start?: number; end?: number } | undefined;
  /** End of the last break (for the cool-down). */
  lastBreakEnd: number;
}

/** Boundaries the generator must visit: at `time`, read the state of `agentId` (and resolve a break request when asked). */
export interface Boundary {
  agentId: string;
  time: number;
  /** Resolve the agent's pending break request (it was requested for this time). */
  resolveBreak?: boolean;
}

/**
 * The agents of the catalogue through one simulation.
 *
 * @example
 * const floor = new AgentFloor(catalogue, rng, startTime);
 * const plan = planConversation(rng, catalogue, media, t, floor.available);
 * for (const leg of legsOf(plan)) boundaries.push(...floor.assign(leg.userId, leg.start, leg.end));
 */
export class AgentFloor {
  readonly #days = new Map<string, AgentDay>();
  readonly #catalogue: Catalogue;
  readonly #rng: Prng;
  /** Agents with a break pending or running now. */
  #onBreak = 0;

  constructor(catalogue: Catalogue, rng: Prng, firstArrival: number) {
    this.#catalogue = catalogue;
    this.#rng = rng;
    for (const agent of catalogue.agents) {
      const loginAt = firstArrival - rng.between(60_000, 300_000);
      this.#days.set(agent.id, {
        agent,
        loginAt,
        onQueueAt: loginAt + rng.between(5_000, 30_000),
        logoffAt: Number.POSITIVE_INFINITY,
        interactions: [],
        lastEnd: loginAt,
        breakRequest: undefined,
        lastBreakEnd: Number.NEGATIVE_INFINITY,
      });
    }
  }

  /** The agents, in catalogue order. */
  agents(): readonly Agent[] {
    return this.#catalogue.agents;
  }

  /** The first boundaries: every agent's log-in and going on queue. */
  loginBoundaries(): Boundary[] {
    return [...this.#days.values()].flatMap((d) => [
      { agentId: d.agent.id, time: d.loginAt },
      { agentId: d.agent.id, time: d.onQueueAt },
    ]);
  }

  /** When `agentId` logged in and went on queue. */
  loginOf(agentId: string): { loginAt: number; onQueueAt: number } {
    const day = this.#day(agentId);
    return { loginAt: day.loginAt, onQueueAt: day.onQueueAt };
  }

  /** Whether `agentId` can take an interaction starting at `at` (bound, so it can be handed to the planner). */
  readonly available = (agentId: string, at: number): boolean => {
    const day = this.#days.get(agentId);
    if (day === undefined || at < day.onQueueAt || at >= day.logoffAt) return false;
    const request = day.breakRequest;
    return request === undefined || at < request.requestedAt || (request.end !== undefined && at >= request.end);
  };

  /**
   * Records that `agentId` handles an interaction from `start` to `end`; may request a break
   * after it. Returns the boundaries to visit.
   */
  assign(agentId: string, start: number, end: number): Boundary[] {
    const day = this.#day(agentId);
    day.interactions.push({ start, end });
    if (end > day.lastEnd) day.lastEnd = end;
    const boundaries: Boundary[] = [
      { agentId, time: start },
      { agentId, time: end },
    ];
    const rng = this.#rng;
    // One draw per interaction, whatever is decided.
    const wantsBreak = rng.chance(BEHAVIOUR.breakChancePerInteraction);
    const requestAt = end + rng.between(5_000, 30_000);
    if (
      wantsBreak &&
      day.breakRequest === undefined &&
      requestAt - day.lastBreakEnd >= BEHAVIOUR.breakCooldownMs &&
      this.#onBreak < Math.floor(this.#catalogue.agents.length * BEHAVIOUR.maxShareOnBreak) &&
      this.#othersCover(day.agent)
    ) {
      day.breakRequest = { requestedAt: requestAt };
      this.#onBreak++;
      boundaries.push({ agentId, time: requestAt, resolveBreak: true });
    }
    return boundaries;
  }

  /**
   * Resolves `agentId`'s break request (call at its time, once every conversation arriving before
   * it is planned): the break starts when the interactions begun before the request have ended,
   * and lasts a drawn duration. Returns the boundaries of its start and end.
   */
  resolveBreak(agentId: string): Boundary[] {
    const day = this.#day(agentId);
    const request = day.breakRequest;
    if (request === undefined || request.start !== undefined) return [];
    let start = request.requestedAt;
    for (const i of day.interactions) if (i.start < request.requestedAt && i.end > start) start = i.end;
    request.start = start;
    request.end = start + drawDuration(this.#rng, BEHAVIOUR.breakDuration);
    return [
      { agentId, time: request.start },
      { agentId, time: request.end },
    ];
  }

  /**
   * Every agent logs off a little after their last interaction and break (call once no more
   * conversations come). Returns the log-off boundaries.
   */
  logoffBoundaries(): Boundary[] {
    const boundaries: Boundary[] = [];
    for (const day of this.#days.values()) {
      const breakEnd = day.breakRequest?.end ?? day.breakRequest?.requestedAt ?? 0;
      day.logoffAt = Math.max(day.lastEnd, breakEnd, day.onQueueAt) + this.#rng.between(30_000, 180_000);
      boundaries.push({ agentId: day.agent.id, time: day.logoffAt });
    }
    return boundaries;
  }

  /**
   * The agent's presence and routing status at `time` (interactions ending at or before `time`
   * are over). Forgets interactions and breaks that ended before `time`: call it for an agent's
   * boundaries in time order.
   */
  stateAt(agentId: string, time: number): AgentStatus {
    const day = this.#day(agentId);
    day.interactions = day.interactions.filter((i) => i.end > time);
    const request = day.breakRequest;
    if (request?.end !== undefined && request.end <= time) {
      day.lastBreakEnd = request.end;
      day.breakRequest = undefined;
      this.#onBreak--;
    }
    if (time < day.loginAt || time >= day.logoffAt) return { presence: 'OFFLINE', routing: 'OFF_QUEUE' };
    if (time < day.onQueueAt) return { presence: 'AVAILABLE', routing: 'OFF_QUEUE' };
    const onBreak = request?.start !== undefined && time >= request.start && time < request.end!;
    if (onBreak) return { presence: 'BREAK', routing: 'OFF_QUEUE' };
    const interacting = day.interactions.some((i) => i.start <= time);
    return { presence: 'ON_QUEUE', routing: interacting ? 'INTERACTING' : 'IDLE' };
  }

  /** True when, for every queue of `agent`, another member has no break pending or running. */
  #othersCover(agent: Agent): boolean {
    return agent.queueIds.every((queueId) =>
      this.#catalogue.queueById
        .get(queueId)!
        .agentIds.some((id) => id !== agent.id && this.#days.get(id)?.breakRequest === undefined),
    );
  }

  #day(agentId: string): AgentDay {
    const day = this.#days.get(agentId);
    if (day === undefined) throw new RangeError(`No agent ${agentId} in the simulated organisation.`);
    return day;
  }
}
