/**
 * What the code really spends per event, counted — not estimated — and held against the
 * planner's model (`src/plan/dynamodb-units.ts`, `cost.ts`, the measured figures in
 * `assumptions.ts`). A change to the write path, the functions' logging or the workflow that
 * moves a figure away from the model fails here: fix the code, or the model and
 * docs/capacity.md with it.
 *
 * - DynamoDB: the processor as the Lambda function builds it (`processorFromEnv`), on a real AWS
 *   SDK v3 client against dynalite, with a counting middleware (`test/support/dynamodb-meter.ts`).
 * - Lambda invocations, SQS requests and log bytes: the Lambda entry points themselves (batch
 *   starter, validator, processor, batch reporter), the starter calling a StartSyncExecution
 *   endpoint on 127.0.0.1 that runs the deployed buffered definition on the local executor, every
 *   line they write to stdout (Powertools logs and EMF metrics) counted at INFO.
 */
import dns from 'node:dns';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, SQSEvent, SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import { FUNCTION_ENV } from '../../src/functions/index.js';
import { processorFromEnv } from '../../src/functions/processor.js';
import { ASSUMPTIONS } from '../../src/plan/assumptions.js';
import { eventWrites } from '../../src/plan/dynamodb-units.js';
import { formatPlanJson, PLAN_DEFAULTS, planCapacity, resolvePlanInputs } from '../../src/plan/index.js';
import type { Processor } from '../../src/processing/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import {
  buildStateMachineDefinition,
  FastWorkflowExecutor,
  FUNCTION_PLACEHOLDERS as F,
} from '../../src/workflow/index.js';
import type { JsonValue, LocalLambdaHandler } from '../../src/workflow/index.js';
import { meterDynamoDb } from '../support/dynamodb-meter.js';
import { projectRoot } from '../support/paths.js';
import type { DynamoDbMeter } from '../support/dynamodb-meter.js';
import { processorTables, startDynalite } from '../support/dynalite.js';
import type { DynaliteServer } from '../support/dynalite.js';
import { auditEvent, presenceEvent, routingStatusEvent } from '../support/events.js';
import { startSyncExecutionServer } from '../support/start-sync-execution.js';
import type { LoopbackServer } from '../support/http-server.js';
import { sqsRecord } from '../workflow/support.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:genesys-events';
const BATCH = PLAN_DEFAULTS.batchSize; // 25: the construct's and the planner's default

let dynalite: DynaliteServer;
let meter: DynamoDbMeter;
let processor: Processor;
let sfn: LoopbackServer;
let executor: FastWorkflowExecutor;

/** Clean conversation events of simulated conversations, as EventBridge delivers them. */
function conversationEvents(count: number, seed: number): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  const clean = { duplicates: 0, outOfOrder: 0, malformed: 0, oversized: 0 };
  for (const line of generateEvents({ conversations: count, seed, ...clean })) {
    const parsed = parseGenesysEvent(line);
    if (parsed.ok && parsed.event.kind === 'conversation') events.push(JSON.parse(line) as Record<string, unknown>);
    if (events.length === count) break;
  }
  expect(events).toHaveLength(count);
  return events;
}

/** A Lambda context as Lambda gives it (Powertools adds its fields to every log line). */
function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: '8f5c2d1e-0000-4000-8000-000000000001',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/12/07/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 240_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What the last {@link stdoutBytes} saw written. */
const captured: string[] = [];
/** Runs `work` and counts the bytes written to stdout meanwhile (Powertools writes there). */
async function stdoutBytes(work: () => Promise<void>): Promise<number> {
  const write = process.stdout.write.bind(process.stdout);
  let bytes = 0;
  captured.length = 0;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return typeof rest[0] === 'function' ? ((rest[0] as () => void)() ?? true) : true;
  }) as typeof process.stdout.write;
  try {
    await work();
  } finally {
    process.stdout.write = write;
  }
  return bytes;
}

beforeAll(async () => {
  const { tables, env } = processorTables('m');
  dynalite = await startDynalite(tables);
  Object.assign(process.env, dynalite.env, env, {
    // Buffered mode, as the construct configures it.
    [FUNCTION_ENV.MAX_PROCESSING_ATTEMPTS]: '9',
    [FUNCTION_ENV.STATE_MACHINE_ARN]: ARN,
    [FUNCTION_ENV.EXECUTION_BUDGET_SECONDS]: '234',
    [FUNCTION_ENV.POWERTOOLS_LOG_LEVEL]: 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  const client = dynalite.client;
  meter = meterDynamoDb(client, { 'm-audits': ['userId', 'entityType'] });
  processor = await processorFromEnv(process.env, [], client);

  // The Lambda entry points, behind the deployed buffered definition.
  const entry = async (path: string) =>
    (await import(path)) as { handler: (p: unknown, c: Context) => Promise<unknown> };
  const as = (name: string, h: { handler: (p: unknown, c: Context) => Promise<unknown> }): LocalLambdaHandler =>
    (async (payload: JsonValue) => (await h.handler(payload, lambdaContext(name))) as JsonValue) as LocalLambdaHandler;
  executor = new FastWorkflowExecutor(buildStateMachineDefinition({ mode: 'buffered' }), {
    functions: {
      [F.validator]: as('validator', await entry('../../src/functions/validator.js')),
      [F.processor]: as('processor', await entry('../../src/functions/processor.js')),
      [F.batchReporter]: as('batch-reporter', await entry('../../src/functions/batch-reporter.js')),
      [F.failureRecorder]: as('failure-recorder', await entry('../../src/functions/failure-recorder.js')),
    },
    retryPauseMs: 0,
  });
  sfn = await startSyncExecutionServer(executor, ARN);
  process.env.AWS_ENDPOINT_URL_SFN = sfn.url;
  // StartSyncExecution goes to the `sync-` host of the endpoint (the API's host prefix): here, loopback.
  const lookup = dns.lookup;
  restoreLookup = () => (dns.lookup = lookup);
  dns.lookup = ((hostname: string, ...rest: unknown[]) =>
    (lookup as (...args: unknown[]) => void)(
      hostname.startsWith('sync-127.0.0.1') ? '127.0.0.1' : hostname,
      ...rest,
    )) as typeof dns.lookup;
});

let restoreLookup = () => {};
afterAll(async () => {
  restoreLookup();
  await sfn?.close();
});

describe('DynamoDB writes per event, counted on the SDK client, equal the model', () => {
  it('a conversation event: one conditional put (1 WRU), no idempotency record; a duplicate: one failed condition', async () => {
    const events = conversationEvents(60, 19);
    meter.reset();
    for (const [i, event] of events.entries()) {
      expect(await processor.process({ messageId: `c-${i}`, event })).toMatchObject({ status: 'processed' });
    }
    const model = eventWrites('conversation', PLAN_DEFAULTS);
    expect(meter.usage.writeRequests / events.length).toBe(model.requests); // 1
    expect(meter.usage.writeUnits / events.length).toBe(model.units); // 1
    expect(meter.usage.byCommand).toEqual({ PutItemCommand: events.length });
    expect(meter.usage.readRequests).toBe(0);

    meter.reset();
    for (const [i, event] of events.entries()) {
      expect(await processor.process({ messageId: `d-${i}`, event })).toMatchObject({ status: 'duplicate' });
    }
    // Genesys re-sends: each duplicate costs its one failed conditional put, and changes nothing.
    expect(meter.usage).toMatchObject({ writeRequests: events.length, failedConditions: events.length });
  });

  it.each([
    ['user-presence', () => presenceEvent()],
    ['user-routing-status', () => routingStatusEvent()],
    ['audit', () => auditEvent()],
  ] as const)(
    '%s: the Powertools record (2 writes) and the projection’s writes, as the model counts them',
    async (kind, make) => {
      meter.reset();
      expect(await processor.process({ messageId: `f-${kind}`, event: make() })).toMatchObject({ status: 'processed' });
      const model = eventWrites(kind, PLAN_DEFAULTS);
      expect(meter.usage.writeRequests).toBe(model.requests);
      // Item sizes are the model's assumptions (an audit entry ≈ 2 KB); these test items are smaller.
      expect(meter.usage.writeUnits).toBeGreaterThanOrEqual(model.requests);
      expect(meter.usage.writeUnits).toBeLessThanOrEqual(model.units);
      expect(meter.usage.readRequests).toBe(0);
    },
  );
});

describe('per batch through the Lambda entry points and the deployed definition', () => {
  it('Lambda invocations, SQS requests and log bytes per event are what the plan costs', async () => {
    const starter = (await import('../../src/functions/batch-starter.js')).handler as (
      e: SQSEvent,
      c: Context,
    ) => Promise<SQSBatchResponse>;
    const batches = 4;
    const events = conversationEvents(batches * BATCH, 20);
    executor.resetStats();
    meter.reset();
    const bytes = await stdoutBytes(async () => {
      for (let b = 0; b < batches; b++) {
        const records = events.slice(b * BATCH, (b + 1) * BATCH).map((e) => sqsRecord(JSON.stringify(e)));
        const answer = await starter({ Records: records } as unknown as SQSEvent, lambdaContext('batch-starter'));
        expect(answer.batchItemFailures).toEqual([]);
      }
    });
    const stats = executor.stats();
    const n = batches * BATCH;
    const invocations = (fn: string) => stats.functions[fn]?.invocations ?? 0;
    // Lambda: Process once per event; Validate and ReportBatch once per execution; one starter per batch.
    expect(stats.executions.succeeded).toBe(batches);
    expect(invocations(F.processor)).toBe(n);
    expect(invocations(F.validator)).toBe(batches);
    expect(invocations(F.batchReporter)).toBe(batches);
    const plan = planCapacity(resolvePlanInputs({ rate: 500, peakRate: 2_000 }));
    const buffered = plan.modes.find((m) => m.mode === 'buffered')!;
    const perEvent = (component: string, unitSize: number) =>
      (buffered.costBreakdown.find((l) => l.component === component)!.quantity * unitSize) / buffered.monthlyEvents;
    const measuredInvocations = (n + 2 * batches + batches) / n;
    expect(perEvent('Lambda requests (incl. one batch starter per batch)', 1e6)).toBeCloseTo(measuredInvocations, 9);
    // SQS: none of the functions calls SQS (the mapping receives and deletes; the starter answers
    // with batchItemFailures), so the model's SQS lines are the rule's sends and the mapping's requests.
    const functionsDir = join(projectRoot, 'src', 'functions');
    for (const file of readdirSync(functionsDir))
      expect(readFileSync(join(functionsDir, file), 'utf8'), file).not.toMatch(/client-sqs/);
    expect(perEvent('SQS receives and deletes (event source mapping)', 1e6)).toBeCloseTo(2 / 10, 9);
    // Logs: nothing per processed event; the lines of each batch (the starter's) and of each
    // execution (the validator's, the reporter's) within the model's figures — with the fields
    // Powertools adds from the Lambda context on every line.
    const lines = captured.join('').split('\n').filter(Boolean);
    const size = (l: string) => Buffer.byteLength(l) + 1;
    const starterLines = lines.filter((l) => /batch-starter|"BatchRecords"/.test(l));
    const perBatch = starterLines.reduce((sum, l) => sum + size(l), 0) / batches;
    const perExecution = (bytes - perBatch * batches) / stats.executions.succeeded;
    expect(lines.filter((l) => /"EventsProcessed":1\b|function:processor/.test(l))).toEqual([]);
    const batchModel = ASSUMPTIONS.appLogBytesPerBatch.value;
    const executionModel = ASSUMPTIONS.appLogBytesPerExecution.value;
    expect(perBatch).toBeLessThanOrEqual(batchModel);
    expect(perBatch).toBeGreaterThan(batchModel * 0.85);
    expect(perExecution).toBeLessThanOrEqual(executionModel);
    expect(perExecution).toBeGreaterThan(executionModel * 0.85);
  });
});

describe('the plan of the issue: 500 events/s, peak 2,000, us-east-1', () => {
  it('prices buffered at ≤ 2× the floor without the archive, and says what the archive adds', () => {
    const report = JSON.parse(formatPlanJson(planCapacity(resolvePlanInputs({ rate: 500, peakRate: 2_000 })))) as {
      costFloor: { perMillionEventsUsd: number };
      modes: {
        mode: string;
        costAgainstFloor: Record<string, number | boolean>;
        costBreakdown: { group: string; explanation: string }[];
      }[];
    };
    const buffered = report.modes.find((m) => m.mode === 'buffered')!;
    const c = buffered.costAgainstFloor;
    expect(report.costFloor.perMillionEventsUsd).toBeCloseTo(1.4, 9);
    expect(c.ratioWithoutArchive).toBeLessThanOrEqual(2);
    expect(c.withoutArchivePerMillionEventsUsd).toBeLessThanOrEqual(2.8);
    expect(c.archivePerMillionEventsUsd).toBeGreaterThan(0);
    expect(c.ratioWithArchive).toBeCloseTo(
      ((c.withoutArchivePerMillionEventsUsd as number) + (c.archivePerMillionEventsUsd as number)) / 1.4,
      6,
    );
    // Every line says what it counts.
    for (const line of buffered.costBreakdown) expect(line.explanation.length).toBeGreaterThan(20);
    expect(buffered.costBreakdown.filter((l) => l.group === 'archive')).toHaveLength(2);
  });
});
