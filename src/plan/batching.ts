/**
 * Batch geometry of the buffered topology: how many events one Pipe batch (one Express
 * execution) really holds, how long it takes to fill, and how long the execution runs.
 *
 * - A batch is limited by `BatchSize` and by the 262,144-character input of Step Functions:
 *   each record is the SQS message (the event) plus the envelope Pipes adds.
 * - With a batching window W > 0 the pipe waits up to W for a full batch, so at rate λ a batch
 *   holds min(limit, λ·W) events; with W = 0 it sends what one ReceiveMessage returns (≤ 10).
 * - The execution runs Validate once, then the Map over the batch in ⌈b / m⌉ waves of at most
 *   m = min(MaxConcurrency, 40) concurrent Process invocations, then the batch summary (ReportBatch).
 */
import { ASSUMPTIONS } from './assumptions.js';
import type { PlanInputs } from './inputs.js';
import type { RegionQuotas } from './quotas.js';

/** The geometry of batches at one event rate. */
export interface BatchGeometry {
  /** Bytes one record occupies in the batch sent to Step Functions. */
  readonly recordBytes: number;
  /** Most records that fit in the Step Functions input. */
  readonly payloadLimit: number;
  /** min(BatchSize, payloadLimit): the largest batch the pipe can deliver. */
  readonly maxBatch: number;
  /** Events per batch at this rate. */
  readonly batch: number;
  /** Time to collect one batch at this rate (ms): the wait before an execution starts. */
  readonly fillMs: number;
  /** Process invocations running at once inside one execution: min(MaxConcurrency or 40, 40). */
  readonly mapConcurrency: number;
  /** Sequential waves of Process invocations in one execution. */
  readonly waves: number;
  /** Duration of one execution (ms): Validate + waves × Process + ReportBatch. */
  readonly executionMs: number;
  /** Executions per second at this rate. */
  readonly executionsPerSecond: number;
}

/** Bytes of one record: the event plus the SQS envelope Pipes wraps around it. */
export function recordBytes(eventKb: number): number {
  return Math.ceil(eventKb * 1_024) + ASSUMPTIONS.sqsRecordEnvelopeBytes.value;
}

/** Process invocations one execution runs at once. */
export function mapConcurrency(maxConcurrency: number, quotas: RegionQuotas): number {
  const inlineCap = quotas.stepFunctions.inlineMapMaxConcurrency.value;
  return maxConcurrency === 0 ? inlineCap : Math.min(maxConcurrency, inlineCap);
}

/** Duration (ms) of one execution over `batch` events. */
export function executionMs(inputs: PlanInputs, batch: number, concurrency: number): number {
  return inputs.validateMs + Math.ceil(batch / concurrency) * inputs.processMs + inputs.summarizeMs;
}

/**
 * Batch geometry at `rate` events/s. At `rate` = Infinity (a backlog), batches are full.
 *
 * @example
 * // 2 KB events: (2,048 + 1,024)-byte records, 85 fit in 262,144 bytes; at 1,000/s and a 1 s window a batch holds 85
 * batchGeometry(resolvePlanInputs({ rate: 1000 }), quotasForRegion('us-east-1'), 1000).batch // 85
 */
export function batchGeometry(inputs: PlanInputs, quotas: RegionQuotas, rate: number): BatchGeometry {
  const record = recordBytes(inputs.eventKb);
  const payloadLimit = Math.max(1, Math.floor(quotas.stepFunctions.payloadBytes.value / record));
  const maxBatch = Math.min(inputs.batchSize, payloadLimit);
  const perReceive = quotas.sqs.messagesPerBatchRequest.value;
  const windowS = inputs.batchWindowMs / 1_000;
  let batch: number;
  let fillMs: number;
  if (windowS > 0) {
    batch = Math.min(maxBatch, Math.max(1, rate * windowS));
    fillMs = Math.min(inputs.batchWindowMs, (batch / rate) * 1_000);
  } else {
    batch = Math.min(maxBatch, perReceive, Math.max(1, rate === Infinity ? perReceive : rate));
    fillMs = 0;
  }
  if (rate === Infinity) fillMs = 0;
  const concurrency = mapConcurrency(inputs.maxConcurrency, quotas);
  const waves = Math.ceil(batch / concurrency);
  const execMs = executionMs(inputs, batch, concurrency);
  return {
    recordBytes: record,
    payloadLimit,
    maxBatch,
    batch,
    fillMs,
    mapConcurrency: concurrency,
    waves,
    executionMs: execMs,
    executionsPerSecond: rate === Infinity ? Infinity : rate / batch,
  };
}
