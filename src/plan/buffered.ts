/**
 * Steady-state capacity of the buffered topology:
 * partner bus → rule → SQS → Lambda event source mapping (at most E batches at once) → batch
 * starter → Step Functions Express (sync; Validate, Map over the batch with MaxConcurrency M,
 * ReportBatch) → Process per event (→ DynamoDB).
 *
 * The bound: the mapping polls no more than E batches at once (`ScalingConfig.MaximumConcurrency`),
 * each batch is one starter running its executions one after another, and each execution runs at
 * most M Process invocations at once. So Process never runs more than E × M at once, and its
 * concurrency is min(E × M, λ × d_process) (Little's law); E batches of b events each busy the
 * starter for T_starter bound the throughput at E × b / T_starter.
 */
import { batchGeometry } from './batching.js';
import type { BatchGeometry } from './batching.js';
import { check, summarizeChecks } from './capacity.js';
import type { CapacityResult, Check } from './capacity.js';
import { dynamodbChecks, lambdaChecks } from './shared-checks.js';
import type { PlanInputs } from './inputs.js';
import type { RegionQuotas } from './quotas.js';

/** Capacity of the buffered topology, with its batch geometry. */
export interface BufferedCapacity extends CapacityResult {
  readonly mode: 'buffered';
  /** Batches at the peak rate. */
  readonly geometry: BatchGeometry;
  /** Batches under a backlog (full). */
  readonly fullBatch: BatchGeometry;
  /** Batches in flight (= batch starters running) at the peak rate. */
  readonly batchesInFlight: number;
  /** E: the most batches in flight. */
  readonly eventSourceConcurrency: number;
  /** E × M: the most Process invocations at once. */
  readonly bound: number;
}

/**
 * Quota checks of the buffered topology at `inputs.peakRate`.
 *
 * @example
 * bufferedCapacity(resolvePlanInputs({ rate: 1000 }), quotasForRegion('us-east-1')).sustainable // true
 */
export function bufferedCapacity(inputs: PlanInputs, quotas: RegionQuotas): BufferedCapacity {
  const rate = inputs.peakRate;
  const g = batchGeometry(inputs, quotas, rate);
  const full = batchGeometry(inputs, quotas, Infinity);
  const starterS = g.starterMs / 1_000;
  const fullStarterS = full.starterMs / 1_000;
  const e = inputs.eventSourceConcurrency;
  const bound = inputs.maxProcessorConcurrency;
  const batchesInFlight = g.batchesPerSecond * starterS;
  const processS = inputs.processMs / 1_000;

  const validate = g.executionsPerSecond * (inputs.validateMs / 1_000);
  const summarize = g.executionsPerSecond * (inputs.summarizeMs / 1_000);
  const process = Math.min(rate * processS, bound);
  const starter = Math.min(e, batchesInFlight);
  const perBatchS = (inputs.validateMs + inputs.summarizeMs) / 1_000;

  const checks: Check[] = [
    check({
      id: 'eventBridge.invocations',
      name: `EventBridge invocations quota (${quotas.region})`,
      demand: rate,
      limit: quotas.eventBridge.invocationsPerSecond.value,
      unit: 'invocations/s',
      kind: 'limit',
      maxEventRate: quotas.eventBridge.invocationsPerSecond.value,
      consequence:
        'EventBridge delays deliveries from the rule to SQS (throttled invocations are retried); raise the quota',
      source: quotas.eventBridge.invocationsPerSecond.source,
    }),
    check({
      id: 'eventSource.concurrency',
      name: `Event source concurrency E = ${e} (the bound ${bound} = ${e} × ${inputs.maxConcurrency})`,
      demand: batchesInFlight,
      limit: e,
      unit: 'batches in flight',
      kind: 'limit',
      maxEventRate: (e * full.batch) / fullStarterS,
      consequence:
        'the mapping polls no more batches: the backlog grows (safely, in SQS) until the rate drops; raise maxProcessorConcurrency',
      source: quotas.eventSourceMapping.maxConcurrency.source,
    }),
    check({
      id: 'sqs.inFlight',
      name: 'SQS in-flight messages',
      demand: rate * (starterS + g.fillMs / 1_000),
      limit: quotas.sqs.inFlightMessages.value,
      unit: 'messages',
      kind: 'limit',
      maxEventRate: Math.max(0, quotas.sqs.inFlightMessages.value - full.batch) / fullStarterS,
      consequence: 'ReceiveMessage returns nothing more until messages are deleted: throughput stalls',
      source: quotas.sqs.inFlightMessages.source,
    }),
    check({
      id: 'stepFunctions.expressStart',
      name: 'Step Functions Express start rate',
      demand: g.executionsPerSecond,
      limit: quotas.stepFunctions.expressStartExecution.refillPerSecond.value,
      unit: 'executions/s',
      kind: 'limit',
      maxEventRate: quotas.stepFunctions.expressStartExecution.refillPerSecond.value * full.eventsPerExecution,
      consequence: 'StartSyncExecution calls are throttled; the batch starter retries, then hands the batch back',
      source: quotas.stepFunctions.expressStartExecution.refillPerSecond.source,
    }),
    check({
      id: 'stepFunctions.expressDuration',
      name: 'Express execution duration (full batch)',
      demand: full.executionMs / 1_000,
      limit: quotas.stepFunctions.expressMaxDurationSeconds.value,
      unit: 's',
      kind: 'limit',
      maxEventRate: null,
      consequence:
        'executions time out (States.Timeout) and their events return to the queue: lower the batch size or raise MaxConcurrency',
      source: quotas.stepFunctions.expressMaxDurationSeconds.source,
    }),
    check({
      id: 'lambda.starterDuration',
      name: 'Batch starter duration (full batch, its executions one after another)',
      demand: fullStarterS,
      limit: quotas.lambda.maxTimeoutSeconds.value,
      unit: 's',
      kind: 'limit',
      maxEventRate: null,
      consequence: 'the starter would time out before its last executions: lower the batch size',
      source: quotas.lambda.maxTimeoutSeconds.source,
    }),
    ...lambdaChecks(
      inputs,
      quotas,
      { validate, process, summarize, starter },
      processS,
      perBatchS / g.eventsPerExecution + starterS / g.batch,
      1,
    ),
    ...dynamodbChecks(inputs, quotas, rate),
    check({
      id: 'lambda.batchPayload',
      name: 'Batch within the 6 MB invocation payload',
      demand: inputs.batchSize,
      limit: g.payloadLimit,
      unit: 'events per batch',
      kind: 'warning',
      maxEventRate: null,
      consequence: `a batch of ${g.recordBytes.toLocaleString('en-US')}-byte records holds at most ${g.payloadLimit}: the mapping delivers smaller batches than BatchSize`,
      source: quotas.lambda.syncPayloadBytes.source,
    }),
    check({
      id: 'stepFunctions.chunks',
      name: 'Executions per batch (chunks under the 256 KiB execution input)',
      demand: full.executionsPerBatch,
      limit: 1,
      unit: 'executions',
      kind: 'warning',
      maxEventRate: null,
      consequence: `a full batch is ${full.executionsPerBatch} executions run one after another: each pays Validate and ReportBatch, and the starter waits for all`,
      source: quotas.stepFunctions.payloadBytes.source,
    }),
  ];

  return {
    mode: 'buffered',
    checks,
    ...summarizeChecks(checks),
    lambdaConcurrency: { validate, process, summarize, starter, total: validate + process + summarize + starter },
    latencyMs: g.fillMs + g.starterMs,
    geometry: g,
    fullBatch: full,
    batchesInFlight,
    eventSourceConcurrency: e,
    bound,
  };
}
