/**
 * Monthly costs computed by hand (30-day month, us-east-1 prices) for given inputs, and the
 * request counts batching produces.
 */
import { describe, expect, it } from 'vitest';
import { ASSUMPTIONS } from '../../src/plan/assumptions.js';
import { bufferedCost, directCost } from '../../src/plan/cost.js';
import type { CostEstimate } from '../../src/plan/cost.js';
import { priceValues } from '../../src/plan/prices.js';
import { DEFAULT_PRICES, quotasForRegion, resolvePlanInputs } from '../../src/plan/index.js';

const quotas = quotasForRegion('us-east-1');
const prices = priceValues(DEFAULT_PRICES);
const MONTH = 30 * 86_400;
const GIB = 1_024 ** 3;

function usdOf(cost: CostEstimate, component: string): number {
  const line = cost.lines.find((l) => l.component === component);
  if (!line) throw new Error(`no line ${component} in ${cost.lines.map((l) => l.component).join(', ')}`);
  return line.monthlyUsd;
}

function quantityOf(cost: CostEstimate, component: string): number {
  return cost.lines.find((l) => l.component === component)?.quantity ?? Number.NaN;
}

describe('buffered topology cost, by hand at 1,000 events/s with the defaults', () => {
  // Defaults: 2 KB events, BatchSize 25, 1 s window, the bound 100 = 4 × 25 (a Map of 25),
  // Validate 20 ms, Process 50 ms, ReportBatch 20 ms, 256 MB, no platform log lines (JSON
  // format, system log level WARN), the functions' own lines as measured, the archive on.
  const cost = bufferedCost(resolvePlanInputs({ rate: 1_000 }), quotas, prices);
  const events = 1_000 * MONTH; // 2.592 billion
  const batches = events / 25; // one execution per batch: 25 × 2,453 bytes < 256 KiB

  const SENDS = 'SQS sends (the rule puts each event in the queue)';
  const MAPPING = 'SQS receives and deletes (event source mapping)';
  const expected = {
    // EventBridge sends each event (1 request); the mapping receives and deletes 10 per request.
    sqsSends: (events / 1e6) * 0.4, // $1,036.80
    sqsMapping: ((events / 10 + events / 10) / 1e6) * 0.4, // $207.36
    expressRequests: (batches / 1e6) * 1.0,
    // 20 + 1 wave × 50 + 20 = 90 ms, billed 100 ms × 64 MB.
    expressDuration: batches * 0.1 * (64 / 1_024) * 0.00001667,
    // Process per event; Validate and ReportBatch per execution; the batch starter per batch.
    lambdaRequests: ((events + 2 * batches + batches) / 1e6) * 0.2,
    lambdaDuration: ((events * 50 + batches * (20 + 20)) / 1_000) * 0.25 * 0.0000133334,
    // The starter waits 90 ms + 50 ms of StartSyncExecution per batch, at 256 MB.
    starterDuration: ((batches * 140) / 1_000) * 0.25 * 0.0000133334,
    events: (events / 1e6) * 1.0, // $2,592
    archive: ((events * 2_048) / GIB) * 0.1,
    archiveStorage: ((events * 2_048) / GIB) * 0.023,
    dynamodbWrites: ((events * 1) / 1e6) * 0.625, // the fact's conditional put, 1 WRU: $1,620
    // Conversation events keep no idempotency record.
    dynamodbStorage: 0,
    // The validator's and the reporter's lines per execution, the starter's per batch.
    logs: ((batches * (ASSUMPTIONS.appLogBytesPerExecution.value + ASSUMPTIONS.appLogBytesPerBatch.value)) / GIB) * 0.5,
  };

  it('matches each component', () => {
    expect(usdOf(cost, SENDS)).toBeCloseTo(expected.sqsSends, 6);
    expect(usdOf(cost, MAPPING)).toBeCloseTo(expected.sqsMapping, 6);
    expect(expected.sqsSends + expected.sqsMapping).toBeCloseTo(1_244.16, 6);
    expect(usdOf(cost, 'Step Functions Express requests (StartSyncExecution)')).toBeCloseTo(
      expected.expressRequests,
      6,
    );
    expect(usdOf(cost, 'Step Functions Express duration')).toBeCloseTo(expected.expressDuration, 6);
    expect(usdOf(cost, 'Lambda requests (incl. one batch starter per batch)')).toBeCloseTo(expected.lambdaRequests, 6);
    expect(usdOf(cost, 'Lambda duration (arm64, pipeline functions)')).toBeCloseTo(expected.lambdaDuration, 6);
    expect(usdOf(cost, 'Lambda duration (arm64, batch starter waiting for its executions)')).toBeCloseTo(
      expected.starterDuration,
      6,
    );
    expect(usdOf(cost, 'EventBridge partner events ingested')).toBeCloseTo(2_592, 6);
    expect(usdOf(cost, 'EventBridge archive (events archived)')).toBeCloseTo(expected.archive, 6);
    expect(usdOf(cost, 'EventBridge archive storage (30-day retention)')).toBeCloseTo(expected.archiveStorage, 6);
    expect(usdOf(cost, 'DynamoDB writes (idempotency + projections)')).toBeCloseTo(1_620, 6);
    expect(usdOf(cost, 'DynamoDB storage (idempotency records, 7-day expiry)')).toBeCloseTo(
      expected.dynamodbStorage,
      9,
    );
    expect(usdOf(cost, 'CloudWatch Logs (Lambda)')).toBeCloseTo(expected.logs, 6);
    expect(cost.lines.some((l) => /Pipes/.test(l.component))).toBe(false);
  });

  it('adds up to the total and the cost per million events', () => {
    const sum = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(cost.monthlyEvents).toBe(events);
    expect(cost.monthlyUsd).toBeCloseTo(sum, 6);
    expect(cost.perMillionEventsUsd).toBeCloseTo(sum / 2_592, 9);
    expect(cost.lines).toHaveLength(13);
    expect(cost.perMillionWithoutArchiveUsd).toBeCloseTo((sum - expected.archive - expected.archiveStorage) / 2_592, 9);
    expect(cost.archivePerMillionUsd).toBeCloseTo((expected.archive + expected.archiveStorage) / 2_592, 9);
    // --no-archive: the archive's lines stay (priced, marked) and leave the total.
    const off = bufferedCost(resolvePlanInputs({ rate: 1_000, archive: false }), quotas, prices);
    expect(off.lines).toHaveLength(13);
    expect(off.monthlyUsd).toBeCloseTo(sum - expected.archive - expected.archiveStorage, 6);
    expect(off.archivePerMillionUsd).toBeCloseTo(cost.archivePerMillionUsd, 12);
    for (const line of cost.lines) expect(line.perMillionEventsUsd).toBeCloseTo(line.monthlyUsd / 2_592, 9);
    expect(cost.lines.filter((l) => l.group === 'floor').map((l) => l.component)).toEqual([
      SENDS,
      'EventBridge partner events ingested',
    ]);
  });
});

describe('direct topology cost, by hand at 300 events/s', () => {
  const cost = directCost(resolvePlanInputs({ rate: 300 }), prices);
  const events = 300 * MONTH; // 777.6 million

  it('bills three state transitions and two Lambda invocations per event', () => {
    expect(usdOf(cost, 'Step Functions Standard state transitions')).toBeCloseTo(((events * 3) / 1_000) * 0.025, 6); // $58,320
    expect(usdOf(cost, 'Step Functions Standard state transitions')).toBeCloseTo(58_320, 6);
    expect(usdOf(cost, 'Lambda requests')).toBeCloseTo(((events * 2) / 1e6) * 0.2, 6); // $311.04
    expect(usdOf(cost, 'Lambda duration (arm64)')).toBeCloseTo(events * 0.07 * 0.25 * 0.0000133334, 6);
    const expectedTotal =
      58_320 +
      311.04 +
      events * 0.07 * 0.25 * 0.0000133334 +
      777.6 +
      ((events * 2_048) / GIB) * (0.1 + 0.023) +
      ((events * 1) / 1e6) * 0.625 +
      ((events * ASSUMPTIONS.appLogBytesPerDirectEvent.value) / GIB) * 0.5;
    expect(cost.monthlyUsd).toBeCloseTo(expectedTotal, 6);
    expect(cost.perMillionEventsUsd).toBeCloseTo(expectedTotal / 777.6, 9);
    // $25 per million transitions × 3 = $75 per million events from transitions alone.
    expect((usdOf(cost, 'Step Functions Standard state transitions') / events) * 1e6).toBeCloseTo(75, 9);
  });
});

describe('request counts under batching', () => {
  it('caps SQS receives and deletes at 10 messages per request whatever the batch size', () => {
    const SQS = 'SQS receives and deletes (event source mapping)';
    for (const batchSize of [10, 25, 1_000]) {
      const cost = bufferedCost(resolvePlanInputs({ rate: 1_000, batchSize }), quotas, prices);
      const perEvent = (quantityOf(cost, SQS) * 1e6) / cost.monthlyEvents;
      expect(perEvent).toBeCloseTo(0.2, 12); // 1/10 receive + 1/10 delete (the send is the floor's)
    }
    const small = bufferedCost(resolvePlanInputs({ rate: 1_000, batchSize: 4 }), quotas, prices);
    expect((quantityOf(small, SQS) * 1e6) / small.monthlyEvents).toBeCloseTo(0.5, 12); // 1/4 + 1/4
  });

  it('runs a batch larger than one execution input as several executions, and bills each', () => {
    // 40 KB events: 45,256-byte execution records, 5 fit in 256 KiB: a batch of 25 is 5 executions.
    const large = bufferedCost(resolvePlanInputs({ rate: 1_000, eventKb: 40 }), quotas, prices);
    expect(
      (quantityOf(large, 'Step Functions Express requests (StartSyncExecution)') * 1e6) / large.monthlyEvents,
    ).toBeCloseTo(5 / 25, 12);
  });

  it('bills EventBridge and SQS sends per 64 KB chunk of the event', () => {
    const big = bufferedCost(resolvePlanInputs({ rate: 100, eventKb: 100 }), quotas, prices);
    const events = big.monthlyEvents;
    expect(quantityOf(big, 'EventBridge partner events ingested') * 1e6).toBeCloseTo(events * 2, 3); // 100 KB = 2 chunks
  });

  it('keeps a floor of idle long polls when traffic is light', () => {
    // 0.1 events/s: 259,200 events a month, fewer receives than 5 pollers × one 20 s poll = 648,000.
    const idle = bufferedCost(resolvePlanInputs({ rate: 0.1 }), quotas, prices);
    const events = idle.monthlyEvents;
    expect(quantityOf(idle, 'SQS receives and deletes (event source mapping)') * 1e6).toBeCloseTo(648_000 + events, 3);
  });

  it("costs the functions' own lines, plus the platform's when bytes per invocation are given", () => {
    const own = ((100 * MONTH * ASSUMPTIONS.appLogBytesPerDirectEvent.value) / GIB) * 0.5;
    expect(usdOf(directCost(resolvePlanInputs({ rate: 100 }), prices), 'CloudWatch Logs (Lambda)')).toBeCloseTo(own, 9);
    const logged = directCost(resolvePlanInputs({ rate: 100, logBytesPerInvocation: 300 }), prices);
    expect(usdOf(logged, 'CloudWatch Logs (Lambda)')).toBeCloseTo(own + ((100 * MONTH * 2 * 300) / GIB) * 0.5, 9);
  });
});
