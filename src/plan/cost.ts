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
import { recordedShare, writeUnitsPerEvent } from './dynamodb-units.js';
import type { PlanInputs } from './inputs.js';
import type { PriceId, PriceValues } from './prices.js';
import type { RegionQuotas } from './quotas.js';

const GIB = 1_024 ** 3;

/**
 * What a line is part of: `floor` — what any storage-first design pays (the partner bus and one
 * SQS send per event); `pipeline` — what this topology adds to process the events; `archive` —
 * the optional EventBridge archive (replay), priced apart so that it is a visible choice.
 */
export type CostGroup = 'floor' | 'pipeline' | 'archive';

/** One line of a cost estimate. */
export interface CostLine {
  /** e.g. "SQS receives and deletes (event source mapping)". */
  readonly component: string;
  readonly group: CostGroup;
  /** Billed quantity in `unit`. */
  readonly quantity: number;
  /** The unit `unitPriceUsd` is quoted per, e.g. "1M requests", "GB-s". */
  readonly unit: string;
  readonly priceId: PriceId;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: number;
  readonly perMillionEventsUsd: number;
  /** What the line counts per event and why, in one sentence. */
  readonly explanation: string;
}

/** The monthly cost of one topology. */
export interface CostEstimate {
  /** Events in the month at the average rate. */
  readonly monthlyEvents: number;
  /** Every line, the archive's included even when `--no-archive` (its group tells). */
  readonly lines: readonly CostLine[];
  /** The total: every line, the archive's only with `inputs.archive`. */
  readonly monthlyUsd: number;
  readonly perMillionEventsUsd: number;
  /** The total without the archive. */
  readonly perMillionWithoutArchiveUsd: number;
  /** What the archive adds per million events (whether it is on or not). */
  readonly archivePerMillionUsd: number;
}

type LineSpec = Omit<CostLine, 'unitPriceUsd' | 'monthlyUsd' | 'perMillionEventsUsd'>;

function priced(spec: LineSpec, prices: PriceValues, events: number): CostLine {
  const unitPriceUsd = prices[spec.priceId];
  const monthlyUsd = spec.quantity * unitPriceUsd;
  return { ...spec, unitPriceUsd, monthlyUsd, perMillionEventsUsd: monthlyUsd / (events / 1e6) };
}

function total(inputs: PlanInputs, events: number, specs: LineSpec[], prices: PriceValues): CostEstimate {
  const lines = specs.map((spec) => priced(spec, prices, events));
  const sum = (keep: (l: CostLine) => boolean) => lines.filter(keep).reduce((s, l) => s + l.monthlyUsd, 0);
  const archiveUsd = sum((l) => l.group === 'archive');
  const withoutArchive = sum((l) => l.group !== 'archive');
  const monthlyUsd = withoutArchive + (inputs.archive ? archiveUsd : 0);
  const perMillion = (usd: number) => usd / (events / 1e6);
  return {
    monthlyEvents: events,
    lines,
    monthlyUsd,
    perMillionEventsUsd: perMillion(monthlyUsd),
    perMillionWithoutArchiveUsd: perMillion(withoutArchive),
    archivePerMillionUsd: perMillion(archiveUsd),
  };
}

/** Lines both topologies share: the partner bus (events + archive), DynamoDB and logs. */
function sharedLines(inputs: PlanInputs, events: number, lambdaInvocations: number, appLogBytes: number): LineSpec[] {
  const eventBytes = inputs.eventKb * 1_024;
  const archivedGb = (events * eventBytes) / GIB;
  const recorded = recordedShare(inputs);
  const idempotencyGb =
    (recorded * inputs.rate * ASSUMPTIONS.idempotencyExpirySeconds.value * ASSUMPTIONS.idempotencyItemBytes.value) /
    GIB;
  const wru = writeUnitsPerEvent(inputs);
  const logGb = (lambdaInvocations * inputs.logBytesPerInvocation + appLogBytes) / GIB;
  const lines: LineSpec[] = [
    {
      component: 'EventBridge partner events ingested',
      group: 'floor',
      quantity: (events * billingChunks(eventBytes)) / 1e6,
      unit: '1M events',
      priceId: 'eventBridgePartnerEventsPerMillion',
      explanation:
        'the partner bus ingests every event Genesys sends (per 64 KB chunk); delivery by the rule to a target in the account is free',
    },
    {
      component: 'EventBridge archive (events archived)',
      group: 'archive',
      quantity: archivedGb,
      unit: 'GB',
      priceId: 'eventBridgeArchiveProcessingPerGb',
      explanation: `optional (replay): every event archived at --event-kb ${inputs.eventKb}${inputs.archive ? '' : '; off (--no-archive): not in the total'}`,
    },
    {
      component: 'EventBridge archive storage (30-day retention)',
      group: 'archive',
      quantity: archivedGb,
      unit: 'GB-month',
      priceId: 'eventBridgeArchiveStoragePerGbMonth',
      explanation: `optional (replay): a month of events kept${inputs.archive ? '' : '; off (--no-archive): not in the total'}`,
    },
    {
      component: 'DynamoDB writes (idempotency + projections)',
      group: 'pipeline',
      quantity: (events * wru) / 1e6,
      unit: '1M WRU',
      priceId: 'dynamodbWriteRequestUnitsPerMillion',
      explanation: `${Number(wru.toFixed(2))} write units per event: a conversation event is one conditional put (its fact is its idempotency claim); other families add the Powertools record's 2 to their projection's writes`,
    },
    {
      component: 'DynamoDB storage (idempotency records, 7-day expiry)',
      group: 'pipeline',
      quantity: idempotencyGb,
      unit: 'GB-month',
      priceId: 'dynamodbStoragePerGbMonth',
      explanation: `records kept 7 days for the ${Number((recorded * 100).toFixed(1))} % of events not claimed by their projection`,
    },
  ];
  if (logGb > 0) {
    lines.push({
      component: 'CloudWatch Logs (Lambda)',
      group: 'pipeline',
      quantity: logGb,
      unit: 'GB',
      priceId: 'cloudWatchLogsIngestionPerGb',
      explanation:
        inputs.logBytesPerInvocation > 0
          ? `the functions' own lines (measured) plus ${inputs.logBytesPerInvocation} bytes of platform lines per invocation (--log-bytes-per-invocation)`
          : "the functions' own lines (measured): metrics and one INFO line per batch and per execution, nothing per processed event; the platform's START/END/REPORT lines are filtered (system log level WARN)",
    });
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
  const appLogBytes =
    executions * ASSUMPTIONS.appLogBytesPerExecution.value + batches * ASSUMPTIONS.appLogBytesPerBatch.value;
  const n = (value: number) => Number(value.toFixed(2));

  return total(
    inputs,
    events,
    [
      {
        component: 'SQS sends (the rule puts each event in the queue)',
        group: 'floor',
        quantity: sends / 1e6,
        unit: '1M requests',
        priceId: 'sqsRequestsPerMillion',
        explanation: 'one SendMessage per event (per 64 KB chunk): what makes the event durable before any processing',
      },
      {
        component: 'SQS receives and deletes (event source mapping)',
        group: 'pipeline',
        quantity: (receives + deletes) / 1e6,
        unit: '1M requests',
        priceId: 'sqsRequestsPerMillion',
        explanation: `the mapping receives and deletes up to 10 messages per request: ${n((receives + deletes) / events)} requests per event (at least 5 idle long polls)`,
      },
      {
        component: 'Step Functions Express requests (StartSyncExecution)',
        group: 'pipeline',
        quantity: executions / 1e6,
        unit: '1M requests',
        priceId: 'stepFunctionsExpressRequestsPerMillion',
        explanation: `one execution per batch of ${n(g.batch)} events (${n(g.executionsPerBatch)} execution(s) each)`,
      },
      {
        component: 'Step Functions Express duration',
        group: 'pipeline',
        quantity: expressGbS,
        unit: 'GB-s',
        priceId: 'stepFunctionsExpressGbSecond',
        explanation: `${billedExecutionS} s billed per execution at 64 MB`,
      },
      {
        component: 'Lambda requests (incl. one batch starter per batch)',
        group: 'pipeline',
        quantity: invocations / 1e6,
        unit: '1M requests',
        priceId: 'lambdaRequestsPerMillion',
        explanation: `${n(invocations / events)} invocations per event: Process once per event, Validate and ReportBatch once per execution, the starter once per batch`,
      },
      {
        component: 'Lambda duration (arm64, pipeline functions)',
        group: 'pipeline',
        quantity: lambdaSeconds * memoryGb,
        unit: 'GB-s',
        priceId: 'lambdaArmGbSecond',
        explanation: `${inputs.processMs} ms of Process per event and ${inputs.validateMs + inputs.summarizeMs} ms per execution, at ${inputs.lambdaMemoryMb} MB (--lambda-memory-mb)`,
      },
      {
        component: 'Lambda duration (arm64, batch starter waiting for its executions)',
        group: 'pipeline',
        quantity: starterGbS,
        unit: 'GB-s',
        priceId: 'lambdaArmGbSecond',
        explanation: `${Math.ceil(g.starterMs)} ms per batch at ${ASSUMPTIONS.starterMemoryMb.value} MB: the starter waits for its executions`,
      },
      ...sharedLines(inputs, events, invocations, appLogBytes),
    ],
    prices,
  );
}

/**
 * Monthly cost of the direct topology at `inputs.rate` (three state transitions per event; no
 * retries — throttled StartExecution calls that EventBridge retries are not billed transitions).
 */
export function directCost(inputs: PlanInputs, prices: PriceValues): CostEstimate {
  const events = inputs.rate * MONTH_SECONDS;
  const invocations = events * 2;
  const lambdaSeconds = (events * (inputs.validateMs + inputs.processMs)) / 1_000;
  return total(
    inputs,
    events,
    [
      {
        component: 'Step Functions Standard state transitions',
        group: 'pipeline',
        quantity: (events * ASSUMPTIONS.directStateTransitions.value) / 1_000,
        unit: '1K transitions',
        priceId: 'stepFunctionsStandardTransitionsPerThousand',
        explanation:
          'one Standard execution per event: Validate → CheckValid → Process, 3 transitions ($75 per million events)',
      },
      {
        component: 'Lambda requests',
        group: 'pipeline',
        quantity: invocations / 1e6,
        unit: '1M requests',
        priceId: 'lambdaRequestsPerMillion',
        explanation: 'Validate and Process once per event',
      },
      {
        component: 'Lambda duration (arm64)',
        group: 'pipeline',
        quantity: lambdaSeconds * (inputs.lambdaMemoryMb / 1_024),
        unit: 'GB-s',
        priceId: 'lambdaArmGbSecond',
        explanation: `${inputs.validateMs + inputs.processMs} ms per event at ${inputs.lambdaMemoryMb} MB`,
      },
      ...sharedLines(inputs, events, invocations, events * ASSUMPTIONS.appLogBytesPerDirectEvent.value),
    ],
    prices,
  );
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
