/**
 * The `/api/stats` document: one snapshot of the pipeline's counters, gauges, rates and
 * latency, plus the contact-centre figures. `docs/dashboard.md` defines every field.
 */
import type { ContactCentreFigures } from './contact-centre.js';

/** Latency from accept (PutEvents) to processed, over a recent window, in milliseconds. */
export interface LatencyQuantiles {
  /** Median; `null` when no event was processed in the window. */
  p50: number | null;
  /** 95th percentile; `null` when no event was processed in the window. */
  p95: number | null;
  /** 99th percentile; `null` when no event was processed in the window. */
  p99: number | null;
  /** How many latencies the window holds. */
  samples: number;
  /** The window length, seconds. */
  windowSeconds: number;
}

/**
 * One snapshot of the local pipeline, as served by `GET /api/stats`.
 *
 * Counters (`accepted` … `deadLettered`) count since the runtime started; gauges (`inFlight`,
 * `backlog`, …) are values now; rates are per second over the last `rateWindowSeconds`.
 */
export interface PipelineStats {
  /** Events accepted by PutEvents (archived and in the durable queue). */
  accepted: number;
  /** Events processed and applied to the conversation projection. */
  processed: number;
  /** Deliveries recognised as already processed (same idempotency key) and skipped. */
  duplicates: number;
  /** Events that failed validation (they are dead-lettered, and counted in `deadLettered` too). */
  invalid: number;
  /** Processing attempts that failed (each is then retried or dead-lettered). */
  failed: number;
  /** Processing attempts that were retries of a failed one. */
  retried: number;
  /** Events written to the dead-letter store, with the reason. */
  deadLettered: number;
  /**
   * Local function invocations refused the way Lambda throttles (beyond `--lambda-concurrency-limit`):
   * retried by the state machine, then handed back to the queue; never a failure.
   */
  throttles: number;
  /** Events being processed now. */
  inFlight: number;
  /** Events waiting in the durable queue, as last sampled. */
  backlog: number;
  /** The bound on processor invocations at once: pollers (E) × Map MaxConcurrency (M); `null` until set. */
  concurrencyLimit: number | null;
  /** The most processor invocations at once since start (the highest `inFlight`); never above `concurrencyLimit`. */
  processorConcurrencyPeak: number;
  /** Events processed per second over the rate window. */
  eventsPerSecond: number;
  /** Events accepted per second over the rate window. */
  ingestPerSecond: number;
  /** The rate window, seconds. */
  rateWindowSeconds: number;
  /** Accept → processed latency quantiles over the latency window. */
  latencyMs: LatencyQuantiles;
  /** Seconds since the telemetry (the runtime) started. */
  uptimeSeconds: number;
  /** The contact-centre figures; `null` when no source is configured or it failed. */
  contactCentre: ContactCentreFigures | null;
  /** Why `contactCentre` is `null` although a source is configured (its error message). */
  contactCentreError?: string;
}
