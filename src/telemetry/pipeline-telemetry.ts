/**
 * `PipelineTelemetry`: what the local runtime tells about its event flow, kept as plain numbers
 * and cheap windows on the hot path, read as the `/api/stats` snapshot and as Prometheus metrics.
 */
import { errorMessage } from '../shared/index.js';
import { performanceClock } from './clock.js';
import type { MonotonicClock } from './clock.js';
import { normalizeContactCentreFigures } from './contact-centre.js';
import type { ContactCentreFigures, ContactCentreSource } from './contact-centre.js';
import { WindowedLogHistogram } from './log-histogram.js';
import { createPipelineMetrics } from './prometheus.js';
import type { PipelineCounts, PipelineMetrics } from './prometheus.js';
import { SlidingRate } from './sliding-rate.js';
import type { AdmissionStats, PipelineStats, StageLatency } from './stats.js';
import { TelemetryArgumentError } from './errors.js';

/** Options of {@link PipelineTelemetry}. */
export interface PipelineTelemetryOptions {
  /** Monotonic milliseconds; default `performance.now()`. Tests inject their own. */
  clock?: MonotonicClock;
  /** Window of `eventsPerSecond` and `ingestPerSecond`, seconds. Default 5. */
  rateWindowSeconds?: number;
  /** Window of the latency quantiles, seconds. Default 10. */
  latencyWindowSeconds?: number;
  /** Relative accuracy of the latency quantiles (0.01 = 1 %). Default 0.01. */
  latencyRelativeAccuracy?: number;
  /** The bound on processor invocations at once, if known now (see {@link PipelineTelemetry.setConcurrencyLimit}). */
  concurrencyLimit?: number;
  /** Where the contact-centre figures come from (the conversation projection). */
  contactCentre?: ContactCentreSource;
  /** Add prom-client's default process metrics to `/metrics` (one telemetry per process). Default false. */
  processMetrics?: boolean;
}

const QUANTILES = [0.5, 0.95, 0.99] as const;

/** The stages of the latency split, in the order `processed` receives them (see `LatencySplit`). */
export const LATENCY_STAGES = ['queued', 'batching', 'processing'] as const;
/** A stage of the latency split. */
export type LatencyStage = (typeof LATENCY_STAGES)[number];

/**
 * The local pipeline's telemetry. The runtime calls the recording methods as events flow (each
 * is O(1) on plain numbers, except `processed`, which also records each latency); the HTTP
 * routes read {@link snapshot} for `/api/stats` and {@link metrics} for `/metrics`.
 *
 * Every accepted event ends in exactly one of processed, duplicate or dead-lettered; until then
 * it is in the backlog or in flight. `invalid` is the part of `deadLettered` that failed
 * validation; `failed` and `retried` count attempts, not events.
 *
 * @example
 * const telemetry = new PipelineTelemetry({ concurrencyLimit: 10, contactCentre: projectionFigures });
 * telemetry.accepted(batch.length);             // PutEvents wrote them to the queue
 * telemetry.processingStarted(items.length);     // the Map took them
 * telemetry.processed(done.length, done.map((e) => now - e.acceptedAt));
 * telemetry.processingFinished(items.length);
 * telemetry.setBacklog(queue.depth());
 * const stats = await telemetry.snapshot();      // GET /api/stats
 */
export class PipelineTelemetry {
  private readonly clock: MonotonicClock;
  private readonly startedAt: number;
  private readonly counts: PipelineCounts;
  private readonly ingestRate: SlidingRate;
  private readonly processedRate: SlidingRate;
  private readonly latency: WindowedLogHistogram;
  /** One histogram per stage of the split, and the total of the events that have one. */
  private readonly stages: WindowedLogHistogram[];
  private readonly splitTotal: WindowedLogHistogram;
  private readonly stored: WindowedLogHistogram;
  private batchWindowMs: number | null = null;
  private readonly prometheus: PipelineMetrics;
  private readonly contactCentreSource: ContactCentreSource | undefined;
  private admissionSource: (() => AdmissionStats) | undefined;

  constructor(options: PipelineTelemetryOptions = {}) {
    this.clock = options.clock ?? performanceClock;
    this.startedAt = this.clock();
    this.counts = {
      accepted: 0,
      processed: 0,
      duplicates: 0,
      invalid: 0,
      failed: 0,
      retried: 0,
      deadLettered: 0,
      throttles: 0,
      inFlight: 0,
      backlog: 0,
      concurrencyLimit: null,
      processorConcurrencyPeak: 0,
    };
    if (options.concurrencyLimit !== undefined) this.setConcurrencyLimit(options.concurrencyLimit);
    const rateWindowMs = seconds('rateWindowSeconds', options.rateWindowSeconds ?? 5) * 1000;
    this.ingestRate = new SlidingRate(this.clock, { windowMs: rateWindowMs, bucketMs: rateWindowMs / 20 });
    this.processedRate = new SlidingRate(this.clock, { windowMs: rateWindowMs, bucketMs: rateWindowMs / 20 });
    const latencyWindowMs = seconds('latencyWindowSeconds', options.latencyWindowSeconds ?? 10) * 1000;
    const histogram = (): WindowedLogHistogram =>
      new WindowedLogHistogram(this.clock, {
        windowMs: latencyWindowMs,
        sliceMs: latencyWindowMs / 10,
        ...(options.latencyRelativeAccuracy === undefined ? {} : { relativeAccuracy: options.latencyRelativeAccuracy }),
      });
    this.latency = histogram();
    this.stages = LATENCY_STAGES.map(histogram);
    this.splitTotal = histogram();
    this.stored = histogram();
    this.contactCentreSource = options.contactCentre;
    this.prometheus = createPipelineMetrics(
      {
        counts: () => this.counts,
        ...(options.contactCentre === undefined
          ? {}
          : { contactCentre: readFigures.bind(undefined, options.contactCentre) }),
      },
      { processMetrics: options.processMetrics ?? false },
    );
  }

  /**
   * `count` events were accepted by PutEvents (archived and enqueued). `storedMs`: how long from
   * the PutEvents call reaching the bus to their commit (what the sender waited), when known.
   */
  accepted(count = 1, storedMs?: number): void {
    this.counts.accepted += checkCount('accepted', count);
    this.ingestRate.add(count);
    if (storedMs !== undefined) for (let i = 0; i < count; i++) this.stored.record(storedMs);
  }

  /**
   * `count` events were processed (applied to the projection). `latenciesMs` holds the accept →
   * processed latency of each, in milliseconds (negative values count as 0, non-finite ones are
   * skipped); pass them whenever the accept time is known. `stagesMs` holds, for the events
   * whose stages are known (those that went through the queue and a batch), three values each —
   * queued, batching, processing (see {@link LATENCY_STAGES}) — adding up to their latency.
   */
  processed(count: number, latenciesMs: ArrayLike<number> = [], stagesMs: ArrayLike<number> = []): void {
    this.counts.processed += checkCount('processed', count);
    this.processedRate.add(count);
    const n = LATENCY_STAGES.length;
    for (let i = 0; i + n <= stagesMs.length; i += n) {
      let total = 0;
      for (let k = 0; k < n; k++) {
        const ms = Math.max(0, stagesMs[i + k]!);
        this.stages[k]!.record(ms);
        total += ms;
      }
      this.splitTotal.record(total);
    }
    if (latenciesMs.length === 0) return;
    this.latency.recordAll(latenciesMs);
    for (let i = 0; i < latenciesMs.length; i++) {
      const ms = latenciesMs[i]!;
      if (Number.isFinite(ms)) this.prometheus.observeLatencySeconds(ms > 0 ? ms / 1000 : 0);
    }
  }

  /** `count` deliveries were duplicates of processed events and were skipped. */
  duplicate(count = 1): void {
    this.counts.duplicates += checkCount('duplicate', count);
  }

  /** `count` events failed validation (record their dead-lettering with {@link deadLettered} too). */
  invalid(count = 1): void {
    this.counts.invalid += checkCount('invalid', count);
  }

  /** `count` processing attempts failed. */
  failed(count = 1): void {
    this.counts.failed += checkCount('failed', count);
  }

  /** `count` processing attempts were retries. */
  retried(count = 1): void {
    this.counts.retried += checkCount('retried', count);
  }

  /** `count` events were written to the dead-letter store. */
  deadLettered(count = 1): void {
    this.counts.deadLettered += checkCount('deadLettered', count);
  }

  /** `count` function invocations were refused as Lambda throttles them. */
  throttled(count = 1): void {
    this.counts.throttles += checkCount('throttled', count);
  }

  /** `count` events started processing (in flight +count); updates the peak concurrency. */
  processingStarted(count = 1): void {
    const inFlight = (this.counts.inFlight += checkCount('processingStarted', count));
    if (inFlight > this.counts.processorConcurrencyPeak) this.counts.processorConcurrencyPeak = inFlight;
  }

  /** `count` events finished processing, whatever the outcome (in flight −count). */
  processingFinished(count = 1): void {
    checkCount('processingFinished', count);
    if (count > this.counts.inFlight) {
      throw new TelemetryArgumentError(
        `PipelineTelemetry.processingFinished(${count}): only ${this.counts.inFlight} events are in flight; call processingStarted() for each event before processingFinished().`,
      );
    }
    this.counts.inFlight -= count;
  }

  /** The durable queue holds `depth` events waiting (sample it after enqueueing/dequeueing or on a timer). */
  setBacklog(depth: number): void {
    this.counts.backlog = checkCount('setBacklog', depth);
  }

  /** Where `admission` of the snapshot comes from (the runtime's backpressure on PutEvents). */
  setAdmission(source: () => AdmissionStats): void {
    this.admissionSource = source;
  }

  /** The Pipe's batching window is `ms` (shown beside the batching stage of the latency split). */
  setBatchWindow(ms: number): void {
    this.batchWindowMs = checkCount('setBatchWindow', ms);
  }

  /** The bound on processor invocations at once (pollers × the Map's MaxConcurrency) is `limit`. */
  setConcurrencyLimit(limit: number): void {
    this.counts.concurrencyLimit = checkCount('setConcurrencyLimit', limit);
  }

  /** The `/api/stats` document now. Never rejects: a failing contact-centre source yields `contactCentre: null` and `contactCentreError`. */
  async snapshot(): Promise<PipelineStats> {
    const { count, quantiles } = this.latency.snapshot(QUANTILES);
    const c = this.counts;
    const stats: PipelineStats = {
      accepted: c.accepted,
      processed: c.processed,
      duplicates: c.duplicates,
      invalid: c.invalid,
      failed: c.failed,
      retried: c.retried,
      deadLettered: c.deadLettered,
      throttles: c.throttles,
      inFlight: c.inFlight,
      backlog: c.backlog,
      concurrencyLimit: c.concurrencyLimit,
      processorConcurrencyPeak: c.processorConcurrencyPeak,
      eventsPerSecond: round(this.processedRate.perSecond(), 1),
      ingestPerSecond: round(this.ingestRate.perSecond(), 1),
      rateWindowSeconds: this.processedRate.windowMs / 1000,
      latencyMs: {
        p50: roundOrNull(quantiles[0]),
        p95: roundOrNull(quantiles[1]),
        p99: roundOrNull(quantiles[2]),
        samples: count,
        windowSeconds: this.latency.windowMs / 1000,
      },
      latencySplitMs: this.split(),
      uptimeSeconds: round((this.clock() - this.startedAt) / 1000, 1),
      contactCentre: null,
    };
    if (this.admissionSource !== undefined) stats.admission = this.admissionSource();
    if (this.contactCentreSource !== undefined) {
      try {
        stats.contactCentre = await readFigures(this.contactCentreSource);
      } catch (error) {
        stats.contactCentreError = errorMessage(error);
      }
    }
    return stats;
  }

  private split(): PipelineStats['latencySplitMs'] {
    const stage = (h: WindowedLogHistogram): StageLatency & { samples: number } => {
      const { count: n, sum, quantiles } = h.snapshot(QUANTILES);
      return {
        mean: n > 0 ? roundOrNull(sum / n) : null,
        p50: roundOrNull(quantiles[0]),
        p95: roundOrNull(quantiles[1]),
        p99: roundOrNull(quantiles[2]),
        samples: n,
      };
    };
    const [queued, batching, processing] = this.stages.map((h) => {
      const { samples: _samples, ...s } = stage(h);
      return s;
    });
    const total = this.splitTotal.snapshot([]);
    return {
      samples: total.count,
      windowSeconds: this.splitTotal.windowMs / 1000,
      queued: queued!,
      batching: batching!,
      processing: processing!,
      totalMean: total.count > 0 ? roundOrNull(total.sum / total.count) : null,
      stored: stage(this.stored),
      batchWindowMs: this.batchWindowMs,
    };
  }

  /** The Prometheus text exposition of every metric (serve it with {@link metricsContentType}). */
  metrics(): Promise<string> {
    return this.prometheus.registry.metrics();
  }

  /** The `Content-Type` of {@link metrics}: Prometheus text format 0.0.4. */
  get metricsContentType(): string {
    return this.prometheus.registry.contentType;
  }

  /** The dedicated prom-client registry, to add the runtime's own metrics to `/metrics`. */
  get registry(): PipelineMetrics['registry'] {
    return this.prometheus.registry;
  }
}

async function readFigures(source: ContactCentreSource): Promise<ContactCentreFigures> {
  return normalizeContactCentreFigures(await source.contactCentreFigures());
}

function checkCount(method: string, count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new TelemetryArgumentError(
      `PipelineTelemetry.${method}: expected a non-negative integer count, got ${String(count)}.`,
    );
  }
  return count;
}

function seconds(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TelemetryArgumentError(
      `PipelineTelemetry: ${option} must be a whole number of seconds ≥ 1, got ${value}.`,
    );
  return value;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function roundOrNull(value: number | undefined): number | null {
  if (value === undefined) return null;
  // Three significant digits is well inside the 1 % accuracy and keeps the JSON readable.
  return Number(value.toPrecision(3));
}
