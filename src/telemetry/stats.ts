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

/** One stage of the latency split: its mean and quantiles over the latency window, ms. */
export interface StageLatency {
  /** Mean; the stages' means add up to the mean accept → processed latency. `null` when no sample. */
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Where an event's accept → processed time goes, over the events processed in the latency
 * window (buffered mode: direct mode has no queue or batch, and reports no samples):
 *
 * - `queued`: accepted (written to the durable queue) → taken from it by a Pipe poller
 *   (waiting for a poller that is free: the backlog);
 * - `batching`: taken → its batch handed to the state machine (the batching window: the
 *   poller waits up to `batchWindowMs` for the batch to fill);
 * - `processing`: batch started → processed (Validate, the Map's concurrency, Process).
 *
 * `stored` stands apart: PutEvents received → its events committed to disk, what a sender waits
 * for (storage first). It overlaps `queued` (a poller may take an event before its commit).
 */
export interface LatencySplit {
  /** Events with a split in the window. */
  samples: number;
  windowSeconds: number;
  queued: StageLatency;
  batching: StageLatency;
  processing: StageLatency;
  /** Mean accept → processed latency of the same events (the sum of the stages' means). */
  totalMean: number | null;
  /** PutEvents received → committed, per accepted event. */
  stored: StageLatency & { samples: number };
  /** The Pipe's configured batching window, ms; `null` until the runtime sets it. */
  batchWindowMs: number | null;
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
  /** Where the accept → processed time goes, stage by stage (see {@link LatencySplit}). */
  latencySplitMs: LatencySplit;
  /** Seconds since the telemetry (the runtime) started. */
  uptimeSeconds: number;
  /** The contact-centre figures; `null` when no source is configured or it failed. */
  contactCentre: ContactCentreFigures | null;
  /** Why `contactCentre` is `null` although a source is configured (its error message). */
  contactCentreError?: string;
  /** Backpressure on PutEvents, when the runtime applies it (docs/runtime.md, "Backpressure"). */
  admission?: AdmissionStats;
}

/** Whether PutEvents accepts events or answers `ThrottlingException`, and the thresholds. */
export interface AdmissionStats {
  state: 'accepting' | 'throttling';
  /** Why it throttles (when it does). */
  reason?: 'backlog' | 'disk';
  /** Events stored and not yet processed, as last estimated (the last sample + events accepted since). */
  backlog: number;
  /** Throttling starts at this backlog (0: no limit)… */
  maxBacklog: number;
  /** …and ends at or below this one. */
  resumeBacklog: number;
  /** Bytes the data directory can still grow by, as last sampled; `null` when unknown. */
  freeDiskBytes: number | null;
  /** Throttling starts below this free space (0: no check)… */
  minFreeDiskBytes: number;
  /** …and ends at or above this one. */
  resumeFreeDiskBytes: number;
  /** PutEvents calls answered `ThrottlingException` since the start. */
  throttledRequests: number;
}
