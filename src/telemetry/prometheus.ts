/**
 * The Prometheus view of the pipeline telemetry, with prom-client on a dedicated `Registry`.
 *
 * Counters and gauges are not touched on the hot path: each metric's `collect()` copies the
 * telemetry's plain-number counters when Prometheus scrapes. Only the latency histogram is fed
 * per event (prom-client offers no way to set bucket counts). `docs/dashboard.md` lists every
 * metric.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ContactCentreFigures } from './contact-centre.js';
import type { PipelineStats } from './stats.js';

/** Upper bounds (seconds) of the latency histogram's buckets: 1 ms … 1 h. */
const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
];

/** The plain counters and gauges the metrics copy at scrape time (as `/api/stats` names them). */
export type PipelineCounts = Pick<
  PipelineStats,
  | 'accepted'
  | 'processed'
  | 'duplicates'
  | 'invalid'
  | 'failed'
  | 'retried'
  | 'deadLettered'
  | 'inFlight'
  | 'backlog'
  | 'throttles'
  | 'concurrencyLimit'
  | 'processorConcurrencyPeak'
>;

/** What the metrics read at scrape time. */
interface PipelineMetricsSource {
  counts(): PipelineCounts;
  /** Reads the contact-centre figures (rejects when the source fails); absent when no source is configured. */
  contactCentre?: () => Promise<ContactCentreFigures>;
}

/** The pipeline's metrics on their registry, and the one hot-path entry: latency. */
export interface PipelineMetrics {
  readonly registry: Registry;
  /** Observes one accept → processed latency, in seconds. */
  observeLatencySeconds(seconds: number): void;
}

const COUNTERS: readonly [name: string, help: string, key: keyof PipelineCounts][] = [
  [
    'genesys_pipeline_events_accepted_total',
    'Events accepted by PutEvents (archived and written to the durable queue).',
    'accepted',
  ],
  [
    'genesys_pipeline_events_processed_total',
    'Events processed and applied to the conversation projection.',
    'processed',
  ],
  [
    'genesys_pipeline_events_duplicate_total',
    'Deliveries recognised as already processed (same idempotency key) and skipped.',
    'duplicates',
  ],
  [
    'genesys_pipeline_events_invalid_total',
    'Events that failed validation; they are also counted as dead-lettered.',
    'invalid',
  ],
  [
    'genesys_pipeline_events_failed_total',
    'Processing attempts that failed; each is then retried or dead-lettered.',
    'failed',
  ],
  ['genesys_pipeline_events_retried_total', 'Processing attempts that retried a failed attempt.', 'retried'],
  [
    'genesys_pipeline_events_dead_lettered_total',
    'Events written to the dead-letter store with the reason.',
    'deadLettered',
  ],
  [
    'genesys_pipeline_lambda_throttles_total',
    'Local function invocations refused as Lambda throttles them (beyond --lambda-concurrency-limit); retried, then handed back to the queue.',
    'throttles',
  ],
];

const GAUGES: readonly [name: string, help: string, key: keyof PipelineCounts][] = [
  ['genesys_pipeline_backlog_events', 'Events waiting in the durable queue, as last sampled.', 'backlog'],
  ['genesys_pipeline_in_flight_events', 'Events being processed now.', 'inFlight'],
  [
    'genesys_pipeline_concurrency_limit',
    'The bound on processor invocations at once: pollers (E) × Map MaxConcurrency (M).',
    'concurrencyLimit',
  ],
  [
    'genesys_pipeline_processor_concurrency_peak',
    'Highest number of processor invocations at once since start.',
    'processorConcurrencyPeak',
  ],
];

/**
 * Creates the pipeline's metrics on a new `Registry` (never prom-client's global one).
 * `processMetrics` adds prom-client's default process metrics (CPU, memory, event loop lag, GC)
 * with the `genesys_pipeline_` prefix; they install a GC observer, so create at most one
 * registry with them per process.
 */
export function createPipelineMetrics(
  source: PipelineMetricsSource,
  options: { processMetrics?: boolean } = {},
): PipelineMetrics {
  const registry = new Registry();
  for (const [name, help, key] of COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(source.counts()[key] ?? 0);
      },
    });
  }
  for (const [name, help, key] of GAUGES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        // A label-less gauge always has a sample; NaN is Prometheus' "no value" (limit not set yet).
        this.set(source.counts()[key] ?? Number.NaN);
      },
    });
  }
  const latency = new Histogram({
    name: 'genesys_pipeline_event_latency_seconds',
    help: 'Time from an event being accepted by PutEvents to it being processed.',
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  if (source.contactCentre) registerContactCentreMetrics(registry, source.contactCentre);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'genesys_pipeline_' });
  return {
    registry,
    observeLatencySeconds: (seconds) => latency.observe(seconds),
  };
}

/**
 * The contact-centre gauges. They all read the source through one shared call per scrape; when
 * that fails, `…_source_up` is 0, the per-queue series are absent and the other gauges are NaN.
 * A figure that is undefined (no conversation has left a queue yet) is NaN as well.
 */
function registerContactCentreMetrics(registry: Registry, read: () => Promise<ContactCentreFigures>): void {
  // All metrics' collect() calls of one scrape start before any of them settles, so sharing the
  // pending read makes one source call per scrape.
  let pending: Promise<ContactCentreFigures | undefined> | undefined;
  const figures = (): Promise<ContactCentreFigures | undefined> => {
    pending ??= read()
      .catch(() => undefined)
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  const gauge = (name: string, help: string, value: (f: ContactCentreFigures) => number | null): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const f = await figures();
        this.set((f && value(f)) ?? Number.NaN);
      },
    });
  };
  new Gauge({
    name: 'genesys_pipeline_contact_centre_source_up',
    help: '1 when the contact-centre figures (from the conversation projection) were read at this scrape, 0 when reading them failed.',
    registers: [registry],
    async collect() {
      this.set((await figures()) ? 1 : 0);
    },
  });
  gauge(
    'genesys_pipeline_active_conversations',
    'Conversations started and not yet ended.',
    (f) => f.activeConversations,
  );
  new Gauge({
    name: 'genesys_pipeline_queue_waiting_conversations',
    help: 'Conversations waiting in an ACD queue (entered it, not yet answered or abandoned), by queue id.',
    labelNames: ['queue_id'],
    registers: [registry],
    async collect() {
      const f = await figures();
      this.reset();
      for (const q of f?.waitingByQueue ?? []) this.set({ queue_id: q.queueId }, q.waiting);
    },
  });
  gauge(
    'genesys_pipeline_abandon_ratio',
    'Abandoned / (answered + abandoned) of the conversations that reached a queue; NaN until one has left a queue.',
    (f) => f.abandonRate,
  );
  gauge(
    'genesys_pipeline_average_handle_time_seconds',
    'Mean talk + hold + after-call work of the answered conversations that ended; NaN until one has.',
    (f) => (f.averageHandleTimeMs === null ? null : f.averageHandleTimeMs / 1000),
  );
  gauge(
    'genesys_pipeline_conversations_ended',
    'Conversations that ended, as counted by the conversation projection.',
    (f) => f.conversationsEnded,
  );
  new Gauge({
    name: 'genesys_pipeline_agents',
    help: 'Agents by routing status now (logged-in users; routing_status="OFFLINE" counts those logged off), from the agent-state projection.',
    labelNames: ['routing_status'],
    registers: [registry],
    async collect() {
      const agents = (await figures())?.agents;
      this.reset();
      if (agents === undefined) return;
      for (const [status, count] of Object.entries(agents.byRoutingStatus)) this.set({ routing_status: status }, count);
      this.set({ routing_status: 'OFFLINE' }, agents.offline);
    },
  });
}
