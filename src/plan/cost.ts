/**
 * Monthly cost of each topology at the average rate, per component, in a 30-day month.
 *
 * Request counts follow each service's billing unit: EventBridge events and SQS requests are billed
 * per 64 KB chunk; an SQS ReceiveMessage or DeleteMessageBatch carries at most 10 messages whatever
 * the mapping's batch size; the event source mapping itself is not billed (its SQS requests are);
 * an Express execution is one request plus its duration (rounded up to 100 ms) × 64 MB; the batch
 * starter is a Lambda invocation billed for the whole time it waits for its executions.
 * Free tiers are not subtracted and volume tiers are not applied (see prices.ts).
 */
import { ASSUMPTIONS, billingChunks, MONTH_SECONDS } from './assumptions.js';
import { batchGeometry } from './batching.js';
import { writeUnitsPerEvent } from './dynamodb-units.js';
import type { PlanInputs } from './inputs.js';
import type { PriceId, PriceValues } from './prices.js';
import type { RegionQuotas } from './quotas.js';

const GIB = 1_024 ** 3;

/** One line of a cost estimate. */
export interface CostLine {
  /** e.g. "SQS requests (send, receive, delete)". */
  readonly component: string;
  /** Billed quantity in `unit`. */
  readonly quantity: number;
  /** The unit `unitPriceUsd` is quoted per, e.g. "1M requests", "GB-s". */
  readonly unit: string;
  readonly priceId: PriceId;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: number;
}

/** The monthly cost of one topology. */
export interface CostEstimate {
  /** Events in the month at the average rate. */
  readonly monthlyEvents: number;
  readonly lines: readonly CostLine[];
  readonly monthlyUsd: number;
  readonly perMillionEventsUsd: number;
}

function line(component: string, quantity: number, unit: string, priceId: PriceId, prices: PriceValues): CostLine {
  const unitPriceUsd = prices[priceId];
  return { component, quantity, unit, priceId, unitPriceUsd, monthlyUsd: quantity * unitPriceUsd };
}

function total(monthlyEvents: number, lines: CostLine[]): CostEstimate {
  const monthlyUsd = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
  return { monthlyEvents, lines, monthlyUsd, perMillionEventsUsd: monthlyUsd / (monthlyEvents / 1e6) };
}

/** Lines both topologies share: the partner bus (events + archive), DynamoDB and logs. */
function sharedLines(inputs: PlanInputs, events: number, lambdaInvocations: number, prices: PriceValues): CostLine[] {
  const eventBytes = inputs.eventKb * 1_024;
  const archivedGb = (events * eventBytes) / GIB;
  const idempotencyGb =
    (inputs.rate * ASSUMPTIONS.idempotencyExpirySeconds.value * ASSUMPTIONS.idempotencyItemBytes.value) / GIB;
  const lines = [
    line(
      'EventBridge partner events ingested',
      (events * billingChunks(eventBytes)) / 1e6,
      '1M events',
      'eventBridgePartnerEventsPerMillion',
      prices,
    ),
    line('EventBridge archive (events archived)', archivedGb, 'GB', 'eventBridgeArchiveProcessingPerGb', prices),
    line(
      'EventBridge archive storage (30-day retention)',
      archivedGb,
      'GB-month',
      'eventBridgeArchiveStoragePerGbMonth',
      prices,
    ),
    line(
      'DynamoDB writes (idempotency + projections)',
      (events * writeUnitsPerEvent(inputs)) / 1e6,
      '1M WRU',
      'dynamodbWriteRequestUnitsPerMillion',
      prices,
    ),
    line(
      'DynamoDB storage (idempotency records, 7-day expiry)',
      idempotencyGb,
      'GB-month',
      'dynamodbStoragePerGbMonth',
      prices,
    ),
  ];
  if (inputs.logBytesPerInvocation > 0) {
    lines.push(
      line(
        'CloudWatch Logs (Lambda)',
        (lambdaInvocations * inputs.logBytesPerInvocation) / GIB,
        'GB',
        'cloudWatchLogsIngestionPerGb',
        prices,
      ),
    );
  }
  return lines;
}

/**
 * Monthly cost of the buffered topology at `inputs.rate`.
 *
 * @example
 * bufferedCost(resolvePlanInputs({ rate: 1000 }), quotasForRegion('us-east-1'), priceValues(DEFAULT_PRICES)).monthlyUsd
 */
export function bufferedCost(inputs: PlanInputs, quotas: RegionQuotas, prices: PriceValues): CostEstimate {
  const events = inputs.rate * MONTH_SECONDS;
  const g = batchGeometry(inputs, quotas, inputs.rate);
  const batches = events / g.batch;
  const executions = batches * g.executionsPerBatch;
  const eventBytes = inputs.eventKb * 1_024;

  // SQS: EventBridge sends each event (SendMessage); the event source mapping receives and deletes ≤ 10 at a time.
  const perRequest = Math.min(g.batch, quotas.sqs.messagesPerBatchRequest.value);
  const sends = events * billingChunks(eventBytes);
  const receiveCalls = events / perRequest;
  const idleFloor = (ASSUMPTIONS.idlePollers.value * MONTH_SECONDS) / ASSUMPTIONS.longPollSeconds.value;
  const receives = Math.max(receiveCalls * billingChunks(perRequest * eventBytes), idleFloor);
  const deletes = events / perRequest;

  const billedExecutionS =
    (Math.ceil(g.executionMs / ASSUMPTIONS.expressDurationRoundingMs.value) *
      ASSUMPTIONS.expressDurationRoundingMs.value) /
    1_000;
  const expressGbS = executions * billedExecutionS * (ASSUMPTIONS.expressBilledMemoryMb.value / 1_024);

  const perExecutionInvocations = inputs.summarizeMs > 0 ? 2 : 1;
  const invocations = events + executions * perExecutionInvocations + batches;
  const lambdaSeconds = (events * inputs.processMs + executions * (inputs.validateMs + inputs.summarizeMs)) / 1_000;
  const memoryGb = inputs.lambdaMemoryMb / 1_024;
  const starterGbS = ((batches * Math.ceil(g.starterMs)) / 1_000) * (ASSUMPTIONS.starterMemoryMb.value / 1_024);

  return total(events, [
    line(
      'SQS requests (send; event source mapping receive, delete)',
      (sends + receives + deletes) / 1e6,
      '1M requests',
      'sqsRequestsPerMillion',
      prices,
    ),
    line(
      'Step Functions Express requests (StartSyncExecution)',
      executions / 1e6,
      '1M requests',
      'stepFunctionsExpressRequestsPerMillion',
      prices,
    ),
    line('Step Functions Express duration', expressGbS, 'GB-s', 'stepFunctionsExpressGbSecond', prices),
    line(
      'Lambda requests (incl. one batch starter per batch)',
      invocations / 1e6,
      '1M requests',
      'lambdaRequestsPerMillion',
      prices,
    ),
    line('Lambda duration (arm64, pipeline functions)', lambdaSeconds * memoryGb, 'GB-s', 'lambdaArmGbSecond', prices),
    line(
      'Lambda duration (arm64, batch starter waiting for its executions)',
      starterGbS,
      'GB-s',
      'lambdaArmGbSecond',
      prices,
    ),
    ...sharedLines(inputs, events, invocations, prices),
  ]);
}

/**
 * Monthly cost of the direct topology at `inputs.rate` (three state transitions per event; no
 * retries — throttled StartExecution calls that EventBridge retries are not billed transitions).
 */
export function directCost(inputs: PlanInputs, prices: PriceValues): CostEstimate {
  const events = inputs.rate * MONTH_SECONDS;
  const invocations = events * 2;
  const lambdaSeconds = (events * (inputs.validateMs + inputs.processMs)) / 1_000;
  return total(events, [
    line(
      'Step Functions Standard state transitions',
      (events * ASSUMPTIONS.directStateTransitions.value) / 1_000,
      '1K transitions',
      'stepFunctionsStandardTransitionsPerThousand',
      prices,
    ),
    line('Lambda requests', invocations / 1e6, '1M requests', 'lambdaRequestsPerMillion', prices),
    line(
      'Lambda duration (arm64)',
      lambdaSeconds * (inputs.lambdaMemoryMb / 1_024),
      'GB-s',
      'lambdaArmGbSecond',
      prices,
    ),
    ...sharedLines(inputs, events, invocations, prices),
  ]);
}

/**
 * The least any storage-first pipeline for these events pays, whatever its topology and
 * settings: the partner bus ingests each event ($1.00/M in us-east-1) and puts it in a queue with
 * one SQS send ($0.40/M) — each per 64 KB chunk. Everything past the queue (receives, Pipes,
 * Step Functions, Lambda, DynamoDB, logs) comes on top.
 */
export interface CostFloor {
  /** USD a month at the average rate. */
  readonly monthlyUsd: number;
  readonly perMillionEventsUsd: number;
  /** The prices it adds up, per event chunk. */
  readonly priceIds: readonly PriceId[];
}

/**
 * The cost floor at `inputs.rate` with `prices` (see {@link CostFloor}).
 *
 * @example
 * costFloor(resolvePlanInputs({ rate: 100 }), priceValues(DEFAULT_PRICES)).perMillionEventsUsd // 1.4
 */
export function costFloor(inputs: PlanInputs, prices: PriceValues): CostFloor {
  const priceIds: PriceId[] = ['eventBridgePartnerEventsPerMillion', 'sqsRequestsPerMillion'];
  const perMillionEventsUsd = billingChunks(inputs.eventKb * 1_024) * priceIds.reduce((sum, id) => sum + prices[id], 0);
  return {
    monthlyUsd: ((inputs.rate * MONTH_SECONDS) / 1e6) * perMillionEventsUsd,
    perMillionEventsUsd,
    priceIds,
  };
}
