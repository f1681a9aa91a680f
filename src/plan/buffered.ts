/**
 * Steady-state capacity of the buffered topology:
 * partner bus → rule → SQS → Pipe (batch) → Step Functions Express (sync) → Validate, Map over
 * the batch (MaxConcurrency) → Process per event (→ DynamoDB), ReportBatch.
 *
 * How concurrency works here: the pipe runs one synchronous Express execution per batch and
 * keeps E = (λ / b) × T executions in flight (Little's law; T = execution duration), up to its
 * SQS-source concurrency. MaxConcurrency bounds the Process invocations inside one execution
 * only, so Lambda concurrency is ≈ min(E_max × MaxConcurrency, λ × d_process): the pipe's
 * concurrency times MaxConcurrency is the global bound, and reserved concurrency on the Process
 * function is the one to set for a hard cap.
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
  /** Concurrent pipe executions (= Express executions in flight) at the peak rate. */
  readonly pipeConcurrency: number;
  /** The pipe's concurrency limit: min(per-pipe SQS limit, account limit). */
  readonly pipeConcurrencyLimit: number;
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
  const execS = g.executionMs / 1_000;
  const fullExecS = full.executionMs / 1_000;
  const pipeConcurrency = g.executionsPerSecond * execS;
  const pipeLimit = Math.min(quotas.pipes.sqsPipeConcurrency.value, quotas.pipes.accountConcurrency.value);
  const processS = inputs.processMs / 1_000;

  const validate = g.executionsPerSecond * (inputs.validateMs / 1_000);
  const summarize = g.executionsPerSecond * (inputs.summarizeMs / 1_000);
  const process = Math.min(rate * processS, pipeLimit * g.mapConcurrency);
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
      id: 'pipes.concurrency',
      name: 'Pipe concurrency (SQS source)',
      demand: pipeConcurrency,
      limit: pipeLimit,
      unit: 'concurrent executions',
      kind: 'limit',
      maxEventRate: (pipeLimit * full.batch) / fullExecS,
      consequence: 'the pipe cannot start more executions: the SQS backlog grows until messages expire',
      source: quotas.pipes.sqsPipeConcurrency.source,
    }),
    check({
      id: 'sqs.inFlight',
      name: 'SQS in-flight messages',
      demand: rate * (execS + g.fillMs / 1_000),
      limit: quotas.sqs.inFlightMessages.value,
      unit: 'messages',
      kind: 'limit',
      maxEventRate: Math.max(0, quotas.sqs.inFlightMessages.value - full.batch) / fullExecS,
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
      maxEventRate: quotas.stepFunctions.expressStartExecution.refillPerSecond.value * full.batch,
      consequence: 'executions are throttled and the pipe retries the batch',
      source: quotas.stepFunctions.expressStartExecution.refillPerSecond.source,
    }),
    check({
      id: 'stepFunctions.expressDuration',
      name: 'Express execution duration (full batch)',
      demand: fullExecS,
      limit: Math.min(quotas.stepFunctions.expressMaxDurationSeconds.value, quotas.pipes.maxExecutionSeconds.value),
      unit: 's',
      kind: 'limit',
      maxEventRate: null,
      consequence:
        'executions time out (States.Timeout) and the whole batch returns to the queue: lower the batch size or raise MaxConcurrency',
      source: quotas.stepFunctions.expressMaxDurationSeconds.source,
    }),
    ...lambdaChecks(inputs, quotas, { validate, process: rate * processS, summarize }, processS, perBatchS, full.batch),
    ...dynamodbChecks(inputs, quotas, rate),
    check({
      id: 'stepFunctions.batchPayload',
      name: 'Batch size within the 256 KiB Step Functions input',
      demand: inputs.batchSize,
      limit: g.payloadLimit,
      unit: 'events per batch',
      kind: 'warning',
      maxEventRate: null,
      consequence: `a batch of ${g.recordBytes.toLocaleString('en-US')}-byte records holds at most ${g.payloadLimit}: the pipe delivers smaller batches than BatchSize`,
      source: quotas.stepFunctions.payloadBytes.source,
    }),
    check({
      id: 'stepFunctions.inlineMapConcurrency',
      name: 'MaxConcurrency within the Inline Map limit',
      demand: inputs.maxConcurrency === 0 ? Infinity : inputs.maxConcurrency,
      limit: quotas.stepFunctions.inlineMapMaxConcurrency.value,
      unit: 'concurrent iterations',
      kind: 'warning',
      maxEventRate: null,
      consequence: 'an Inline Map runs at most 40 iterations at once: the model uses 40',
      source: quotas.stepFunctions.inlineMapMaxConcurrency.source,
    }),
  ];

  return {
    mode: 'buffered',
    checks,
    ...summarizeChecks(checks),
    lambdaConcurrency: { validate, process, summarize, total: validate + process + summarize },
    latencyMs: g.fillMs + g.executionMs,
    geometry: g,
    fullBatch: full,
    pipeConcurrency,
    pipeConcurrencyLimit: pipeLimit,
  };
}
