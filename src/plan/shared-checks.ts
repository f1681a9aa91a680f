/**
 * Quota checks both topologies share: Lambda concurrency (Little's law demand against reserved
 * and account concurrency) and DynamoDB write throughput.
 */
import { check } from './capacity.js';
import type { Check } from './capacity.js';
import { writeRequestsPerEvent, writeUnitsPerEvent } from './dynamodb-units.js';
import type { PlanInputs } from './inputs.js';
import type { RegionQuotas } from './quotas.js';

/**
 * Lambda concurrency checks shared by both topologies. With reserved concurrency set on the
 * Process function, Process is checked against it and the other functions against the
 * unreserved rest of the account; otherwise everything is checked against the account quota.
 * `perBatchS` is the time of the other functions per batch of `batch` events (per event when 1).
 */
export function lambdaChecks(
  inputs: PlanInputs,
  quotas: RegionQuotas,
  demand: { validate: number; process: number; summarize: number; starter?: number },
  processS: number,
  perBatchS: number,
  batch: number,
): Check[] {
  const source = quotas.lambda.accountConcurrency.source;
  const account = inputs.accountConcurrency;
  const others = demand.validate + demand.summarize + (demand.starter ?? 0);
  if (inputs.reservedConcurrency !== null) {
    const reserved = inputs.reservedConcurrency;
    return [
      check({
        id: 'lambda.processReserved',
        name: 'Process function reserved concurrency',
        demand: demand.process,
        limit: reserved,
        unit: 'concurrent executions',
        kind: 'limit',
        maxEventRate: reserved / processS,
        consequence:
          'Process invocations are throttled (429); Step Functions retries them, then buffered mode hands them back to the queue (never dead-lettered) and direct mode fails the execution',
        source: quotas.lambda.unreservedMinimum.source,
      }),
      check({
        id: 'lambda.unreserved',
        name: 'Lambda unreserved concurrency (other functions)',
        demand: others,
        limit: account - reserved,
        unit: 'concurrent executions',
        kind: 'limit',
        maxEventRate: perBatchS > 0 ? (account - reserved) / (perBatchS / batch) : null,
        consequence: 'the other functions are throttled (429): retried, then their batch returns to the queue',
        source,
      }),
    ];
  }
  return [
    check({
      id: 'lambda.accountConcurrency',
      name: `Lambda account concurrency (${account.toLocaleString('en-US')})`,
      demand: demand.process + others,
      limit: account,
      unit: 'concurrent executions',
      kind: 'limit',
      maxEventRate: account / (processS + perBatchS / batch),
      consequence: 'invocations are throttled (429) across every function in the account, not only this pipeline',
      source,
    }),
  ];
}

/** DynamoDB checks shared by both topologies. */
export function dynamodbChecks(inputs: PlanInputs, quotas: RegionQuotas, rate: number): Check[] {
  const units = writeUnitsPerEvent(inputs);
  const requests = writeRequestsPerEvent(inputs);
  return [
    check({
      id: 'dynamodb.tableWrites',
      name: 'DynamoDB table write throughput quota',
      demand: rate * units,
      limit: quotas.dynamodb.tableWriteUnitsPerSecond.value,
      unit: 'write request units/s',
      kind: 'limit',
      maxEventRate: quotas.dynamodb.tableWriteUnitsPerSecond.value / units,
      consequence: 'writes are throttled; raise the table-level quota',
      source: quotas.dynamodb.tableWriteUnitsPerSecond.source,
    }),
    check({
      id: 'dynamodb.newTable',
      name: 'New on-demand table write rate before scaling',
      demand: rate * requests,
      limit: quotas.dynamodb.newTableWritesPerSecond.value,
      unit: 'writes/s',
      kind: 'warning',
      maxEventRate: quotas.dynamodb.newTableWritesPerSecond.value / requests,
      consequence: 'a new table throttles until it scales: set warm throughput before go-live',
      source: quotas.dynamodb.newTableWritesPerSecond.source,
    }),
  ];
}
