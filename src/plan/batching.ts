/**
 * Batch geometry of the buffered topology: how many events one batch of the event source mapping
 * holds, how many executions the batch starter runs for it, how long it takes to fill, and how
 * long the starter (and so one of the E pollers) is busy with it.
 *
 * - A batch is limited by `BatchSize` and by the 6 MB payload of a synchronous invocation: each
 *   record is the SQS message (the event) plus the envelope Lambda adds (receipt handle, …).
 * - The batch starter passes each execution the records without receipt handle, MD5 or ARNs, in
 *   chunks under the 262,144-byte execution input, one after another: k = ⌈b · r / 262,144⌉
 *   executions of n = b / k events.
 * - With a batching window W > 0, a batch at rate λ holds min(limit, λ·W) events; with W = 0 it
 *   holds what one ReceiveMessage returns (≤ 10).
 * - One execution runs Validate, then the Map in ⌈n / M⌉ waves of at most M Process invocations,
 *   then ReportBatch; the starter waits for its k executions one after another.
 */
import { ASSUMPTIONS } from './assumptions.js';
import type { PlanInputs } from './inputs.js';
import type { RegionQuotas } from './quotas.js';

/** The geometry of batches at one event rate. */
export interface BatchGeometry {
  /** Bytes one record occupies in the batch the event source mapping delivers. */
  readonly recordBytes: number;
  /** Bytes one record occupies in an execution's input (trimmed by the batch starter). */
  readonly executionRecordBytes: number;
  /** Most records a batch can hold (6 MB invocation payload). */
  readonly payloadLimit: number;
  /** min(BatchSize, payloadLimit): the largest batch the mapping can deliver. */
  readonly maxBatch: number;
  /** Events per batch at this rate. */
  readonly batch: number;
  /** Executions the batch starter runs for one batch (chunks under 256 KiB). */
  readonly executionsPerBatch: number;
  /** Events per execution. */
  readonly eventsPerExecution: number;
  /** Time to collect one batch at this rate (ms): the wait before the starter is invoked. */
  readonly fillMs: number;
  /** M: Process invocations running at once inside one execution. */
  readonly mapConcurrency: number;
  /** Sequential waves of Process invocations in one execution. */
  readonly waves: number;
  /** Duration of one execution (ms): Validate + waves × Process + ReportBatch. */
  readonly executionMs: number;
  /** The batch starter's duration for one batch (ms): its executions one after another, each with its start overhead. */
  readonly starterMs: number;
  /** Batches per second at this rate. */
  readonly batchesPerSecond: number;
  /** Executions per second at this rate. */
  readonly executionsPerSecond: number;
}

/** Bytes of one record as the event source mapping delivers it: the event plus the SQS envelope. */
export function recordBytes(eventKb: number): number {
  return Math.ceil(eventKb * 1_024) + ASSUMPTIONS.sqsRecordEnvelopeBytes.value;
}

/** Bytes of one record in an execution's input: the event (as a JSON string) plus id and attributes. */
export function executionRecordBytes(eventKb: number): number {
  return (
    Math.ceil(eventKb * 1_024 * ASSUMPTIONS.bodyEscapingFactor.value) + ASSUMPTIONS.executionRecordEnvelopeBytes.value
  );
}

/** Duration (ms) of one execution over `events` events with a Map of `concurrency`. */
export function executionMs(inputs: PlanInputs, events: number, concurrency: number): number {
  return inputs.validateMs + Math.ceil(events / concurrency) * inputs.processMs + inputs.summarizeMs;
}

/**
 * Batch geometry at `rate` events/s. At `rate` = Infinity (a backlog), batches are full.
 *
 * @example
 * // 2 KB events, BatchSize 25, 1 s window, at 1,000/s: full batches of 25 in one execution of 1 wave
 * batchGeometry(resolvePlanInputs({ rate: 1000 }), quotasForRegion('us-east-1'), 1000).executionsPerBatch // 1
 */
export function batchGeometry(inputs: PlanInputs, quotas: RegionQuotas, rate: number): BatchGeometry {
  const record = recordBytes(inputs.eventKb);
  const execRecord = executionRecordBytes(inputs.eventKb);
  const payloadLimit = Math.max(1, Math.floor(quotas.lambda.syncPayloadBytes.value / record));
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
  const perExecution = Math.max(1, Math.floor(quotas.stepFunctions.payloadBytes.value / execRecord));
  const executionsPerBatch = Math.ceil(batch / perExecution);
  const eventsPerExecution = batch / executionsPerBatch;
  const concurrency = inputs.maxConcurrency;
  const waves = Math.ceil(eventsPerExecution / concurrency);
  const execMs = executionMs(inputs, eventsPerExecution, concurrency);
  const starterMs = executionsPerBatch * (execMs + ASSUMPTIONS.startSyncOverheadMs.value);
  const batchesPerSecond = rate === Infinity ? Infinity : rate / batch;
  return {
    recordBytes: record,
    executionRecordBytes: execRecord,
    payloadLimit,
    maxBatch,
    batch,
    executionsPerBatch,
    eventsPerExecution,
    fillMs,
    mapConcurrency: concurrency,
    waves,
    executionMs: execMs,
    starterMs,
    batchesPerSecond,
    executionsPerSecond: batchesPerSecond * executionsPerBatch,
  };
}
