/**
 * The pipeline's defaults, in one place. The CDK construct (`infra/lib/config.ts`), the local
 * runtime (`RUNTIME_DEFAULTS`, `run`), the planner (`PLAN_DEFAULTS`, `plan`) and the workflow take
 * them from here, so a deployment, a local run and a plan start from the same numbers.
 * `docs/capacity.md` explains how they are chosen; `docs/deploy.md` and `docs/runtime.md` list them.
 */

/** Defaults shared by AWS, one machine and the planner. */
export const PIPELINE_DEFAULTS = {
  /** `buffered` (queue → bounded batches → Express): the shape for volume. */
  mode: 'buffered',
  /** The global bound E × M on processor invocations at once: 100 splits as E = 4 batches × a Map of M = 25. */
  maxProcessorConcurrency: 100,
  /**
   * Processor attempts, across deliveries, before an event is dead-lettered with its reason: three
   * deliveries of 1 + 2 retries each (the workflow's buffered `retry`).
   */
  maxProcessingAttempts: 9,
  /**
   * Events per batch on AWS: the largest batch whose worst case (every attempt at its task timeout,
   * every retry at its full backoff) fits an Express execution's 5 minutes with the other defaults.
   * The construct derives it from the time budget; a test holds the two equal.
   */
  batchSize: 25,
  /** How long the event source mapping gathers a batch: also the wait of a lone event at low traffic. */
  batchWindowSeconds: 1,
  /** Memory of the pipeline's functions, MB (Lambda allocates CPU in proportion to it). */
  lambdaMemoryMb: 256,
  /** Timeout of the per-event functions, s; the workflow's task timeout adds a margin to it. */
  functionTimeoutSeconds: 10,
  /**
   * Direct mode's rule target retry policy: EventBridge's own defaults and maxima (185 attempts
   * within 24 h), so an outage of up to a day loses nothing before the target's DLQ.
   */
  targetRetry: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 },
} as const;

/**
 * Where the local runtime (`run`) departs from {@link PIPELINE_DEFAULTS}: its pollers take larger
 * batches gathered for a shorter window (there is no batch starter, no 256 KiB execution input and
 * no per-request price on one machine), and its archive keeps hours, not days.
 */
export const LOCAL_PIPELINE_DEFAULTS = {
  /** Events per batch (`--batch-size`). */
  batchSize: 100,
  /** Batching window after the first message, ms (`--batch-window-ms`). */
  batchWindowMs: 250,
  /** The queue's visibility timeout, ms: SQS's own default (30 s). */
  visibilityTimeoutMs: 30_000,
  /** Archive retention in days (6 h): enough to replay the afternoon's run. */
  archiveRetentionDays: 0.25,
} as const;
