/**
 * The contact-centre figures shown next to the pipeline's own: they come from the conversation
 * projection, which telemetry does not know, through the {@link ContactCentreSource} port. The
 * local runtime implements it over its SQLite projection store.
 */

/** Conversations waiting in one ACD queue. */
export interface QueueWaiting {
  /** The Genesys queue id (`queueId` of the ACD events). */
  queueId: string;
  /** A display name when the source knows one (Genesys events carry only the id). */
  queueName?: string;
  /** Conversations in the queue now: ACD started, not yet answered or abandoned. */
  waiting: number;
}

/**
 * The contact-centre view of the conversation projection at one moment. See
 * `docs/dashboard.md` for the exact definitions.
 */
export interface ContactCentreFigures {
  /** Conversations started and not yet ended. */
  activeConversations: number;
  /** Waiting conversations per queue, queues with none may be left out. */
  waitingByQueue: QueueWaiting[];
  /**
   * abandoned / (answered + abandoned) over the conversations that reached a queue and left it
   * (0…1); `null` when none has.
   */
  abandonRate: number | null;
  /** Mean of talk + hold + after-call work over answered conversations that ended; `null` when none. */
  averageHandleTimeMs: number | null;
  /** Conversations that ended. */
  conversationsEnded: number;
  /** Agents by routing status, from the agent-state projection; absent when the source has none. */
  agents?: AgentFigures;
}

/** How many agents are in each routing status now (the dashboard's agent panel). */
export interface AgentFigures {
  /** Logged-in users (presence other than `OFFLINE`) by routing status (`IDLE`, `INTERACTING`, …; `UNKNOWN` when none was reported). */
  byRoutingStatus: Record<string, number>;
  /** Users whose presence is `OFFLINE`. */
  offline: number;
  /** Every user with a known state. */
  total: number;
}

/**
 * The port telemetry reads contact-centre figures through; called once per `/api/stats`
 * request and once per Prometheus scrape, so it should answer from indexed aggregates.
 *
 * @example
 * const source: ContactCentreSource = {
 *   contactCentreFigures: () => ({ activeConversations: 3, waitingByQueue: [{ queueId: 'q1', waiting: 2 }],
 *     abandonRate: 0.1, averageHandleTimeMs: 240_000, conversationsEnded: 41 }),
 * };
 */
export interface ContactCentreSource {
  /** The figures now. May be synchronous (SQLite) or asynchronous (DynamoDB). */
  contactCentreFigures(): ContactCentreFigures | Promise<ContactCentreFigures>;
}

/**
 * A defensive copy of `figures` with the queues sorted by most waiting first (then by id), so
 * that the dashboard and the metrics list them in a stable order.
 */
export function normalizeContactCentreFigures(figures: ContactCentreFigures): ContactCentreFigures {
  const waitingByQueue = figures.waitingByQueue
    .map((q) =>
      q.queueName === undefined
        ? { queueId: q.queueId, waiting: q.waiting }
        : { queueId: q.queueId, queueName: q.queueName, waiting: q.waiting },
    )
    .sort((a, b) => b.waiting - a.waiting || (a.queueId < b.queueId ? -1 : a.queueId > b.queueId ? 1 : 0));
  const normalized: ContactCentreFigures = {
    activeConversations: figures.activeConversations,
    waitingByQueue,
    abandonRate: figures.abandonRate,
    averageHandleTimeMs: figures.averageHandleTimeMs,
    conversationsEnded: figures.conversationsEnded,
  };
  if (figures.agents !== undefined) {
    normalized.agents = {
      byRoutingStatus: Object.fromEntries(
        Object.entries(figures.agents.byRoutingStatus).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
      offline: figures.agents.offline,
      total: figures.agents.total,
    };
  }
  return normalized;
}
