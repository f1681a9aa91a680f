/**
 * Steady-state capacity of both topologies against hand-computed quota crossing points and
 * Little's law.
 */
import { describe, expect, it } from 'vitest';
import { batchGeometry } from '../../src/plan/batching.js';
import { bufferedCapacity } from '../../src/plan/buffered.js';
import { directCapacity } from '../../src/plan/direct.js';
import { quotasForRegion, resolvePlanInputs } from '../../src/plan/index.js';
import type { Check } from '../../src/plan/index.js';

const useast1 = quotasForRegion('us-east-1');
const frankfurt = quotasForRegion('eu-central-1');

function checkOf(checks: readonly Check[], id: string): Check {
  const found = checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${checks.map((c) => c.id).join(', ')}`);
  return found;
}

describe('Region quota groups', () => {
  it('gives us-east-1, us-west-2 and eu-west-1 the larger Standard buckets, every other Region the smaller', () => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
      const q = quotasForRegion(region).stepFunctions;
      expect([q.standardStartExecution.bucket.value, q.standardStartExecution.refillPerSecond.value]).toEqual([
        1_300, 300,
      ]);
      expect([q.standardStateTransitions.bucket.value, q.standardStateTransitions.refillPerSecond.value]).toEqual([
        5_000, 1_500,
      ]);
    }
    for (const region of ['eu-central-1', 'ap-southeast-2', 'us-east-2', 'sa-east-1', 'me-central-1']) {
      const q = quotasForRegion(region).stepFunctions;
      expect([q.standardStartExecution.bucket.value, q.standardStartExecution.refillPerSecond.value]).toEqual([
        800, 150,
      ]);
      expect([q.standardStateTransitions.bucket.value, q.standardStateTransitions.refillPerSecond.value]).toEqual([
        800, 500,
      ]);
    }
  });

  it('looks up EventBridge invocation and PutEvents quotas per Region, with the default for unlisted Regions', () => {
    expect(useast1.eventBridge.invocationsPerSecond.value).toBe(18_750);
    expect(frankfurt.eventBridge.invocationsPerSecond.value).toBe(4_500);
    expect(quotasForRegion('ap-southeast-2').eventBridge.putEventsPerSecond.value).toBe(1_200);
    expect(quotasForRegion('me-central-1').eventBridge.invocationsPerSecond.value).toBe(750);
    expect(quotasForRegion('me-central-1').eventBridge.putEventsPerSecond.value).toBe(400);
    // The event source mapping's figures do not depend on the Region.
    expect(useast1.eventSourceMapping).toEqual(frankfurt.eventSourceMapping);
    expect(useast1.eventSourceMapping.maxConcurrency.value).toBe(1_000);
  });

  it('names a source and a check date for every figure', () => {
    const figures: unknown[] = [];
    const walk = (value: unknown): void => {
      if (value && typeof value === 'object') {
        if ('value' in value && 'source' in value) figures.push(value);
        else Object.values(value).forEach(walk);
      }
    };
    walk(frankfurt);
    expect(figures.length).toBeGreaterThan(20);
    for (const f of figures as { source: string; checked: string }[]) {
      expect(f.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(f.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe('direct topology', () => {
  it('stops being sustainable just above the StartExecution refill: 300/s in us-east-1', () => {
    const at = directCapacity(resolvePlanInputs({ rate: 300 }), useast1);
    expect(at.sustainable).toBe(true);
    expect(at.bottleneck).toBeNull();
    expect(at.maxSustainableRate).toBe(300);
    const above = directCapacity(resolvePlanInputs({ rate: 300.5 }), useast1);
    expect(above.sustainable).toBe(false);
    expect(above.bottleneck).toBe('Step Functions Standard StartExecution refill (300/s in us-east-1)');
    // The state-transition quota (1,500/s over 3 transitions) would allow 500/s: not the first limit.
    expect(checkOf(above.checks, 'stepFunctions.standardStateTransitions').maxEventRate).toBe(500);
    expect(checkOf(above.checks, 'stepFunctions.standardStateTransitions').ok).toBe(true);
  });

  it('stops being sustainable above 150/s in the other Region group, transitions next at 500/3 per second', () => {
    expect(directCapacity(resolvePlanInputs({ rate: 150, region: 'eu-central-1' }), frankfurt).sustainable).toBe(true);
    const above = directCapacity(resolvePlanInputs({ rate: 151, region: 'eu-central-1' }), frankfurt);
    expect(above.sustainable).toBe(false);
    expect(above.bottleneck).toBe('Step Functions Standard StartExecution refill (150/s in eu-central-1)');
    const stt = checkOf(above.checks, 'stepFunctions.standardStateTransitions');
    expect(stt.maxEventRate).toBeCloseTo(500 / 3, 10);
    expect(stt.ok).toBe(true);
    const both = directCapacity(resolvePlanInputs({ rate: 170, region: 'eu-central-1' }), frankfurt);
    expect(both.checks.filter((c) => !c.ok && c.kind === 'limit').map((c) => c.id)).toEqual([
      'stepFunctions.standardStartExecution',
      'stepFunctions.standardStateTransitions',
    ]);
  });

  it("computes Lambda concurrency by Little's law: rate × (Validate + Process)", () => {
    const cap = directCapacity(resolvePlanInputs({ rate: 200, validateMs: 30, processMs: 120 }), useast1);
    expect(cap.lambdaConcurrency.validate).toBeCloseTo(6, 10); // 200/s × 0.03 s
    expect(cap.lambdaConcurrency.process).toBeCloseTo(24, 10); // 200/s × 0.12 s
    expect(cap.lambdaConcurrency.total).toBeCloseTo(30, 10);
    expect(cap.latencyMs).toBe(150);
  });

  it('finds the Lambda account quota first when it binds below the StartExecution refill', () => {
    // 10 concurrent executions ÷ (0.02 + 0.05) s = 142.86 events/s
    const cap = directCapacity(resolvePlanInputs({ rate: 143, accountConcurrency: 10 }), useast1);
    expect(cap.sustainable).toBe(false);
    expect(cap.bottleneck).toBe('Lambda account concurrency (10)');
    expect(cap.maxSustainableRate).toBeCloseTo(10 / 0.07, 9);
  });

  it('checks reserved concurrency on Process and the unreserved rest for Validate', () => {
    const cap = directCapacity(
      resolvePlanInputs({ rate: 250, reservedConcurrency: 10, accountConcurrency: 1_000 }),
      useast1,
    );
    const process = checkOf(cap.checks, 'lambda.processReserved');
    expect(process.demand).toBeCloseTo(12.5, 10); // 250 × 0.05
    expect(process.ok).toBe(false);
    expect(process.maxEventRate).toBeCloseTo(200, 10); // 10 / 0.05
    expect(cap.bottleneck).toBe('Process function reserved concurrency');
    expect(checkOf(cap.checks, 'lambda.unreserved').limit).toBe(990);
  });
});

describe('buffered topology', () => {
  it('limits a batch by BatchSize, the 6 MB invocation and the window; splits it under the 256 KiB execution input', () => {
    const inputs = resolvePlanInputs({ rate: 1_000, batchSize: 200, maxProcessorConcurrency: 100 });
    const g = batchGeometry(inputs, useast1, 1_000);
    expect(g.recordBytes).toBe(2 * 1_024 + 1_024);
    expect(g.payloadLimit).toBe(Math.floor((6 * 1_024 * 1_024) / 3_072)); // 2,048
    expect(g.maxBatch).toBe(200);
    expect(g.batch).toBe(200); // 1,000/s × 1 s window > 200
    expect(g.fillMs).toBeCloseTo(200, 10); // 200 events at 1,000/s
    // Execution records: 2,048 × 1.1 escaped + 200 bytes = 2,453; ⌊262,144 / 2,453⌋ = 106 per execution: 2 executions of 100.
    expect(g.executionRecordBytes).toBe(Math.ceil(2_048 * 1.1) + 200);
    expect(g.executionsPerBatch).toBe(2);
    expect(g.eventsPerExecution).toBe(100);
    expect(g.waves).toBe(4); // ⌈100 / 25⌉
    expect(g.executionMs).toBe(20 + 4 * 50 + 20); // Validate + 4 waves of Process + ReportBatch
    expect(g.starterMs).toBe(2 * (240 + 50)); // two executions one after another, each with its start
    expect(g.executionsPerSecond).toBeCloseTo(1_000 / 100, 12);

    const slow = batchGeometry(resolvePlanInputs({ rate: 20 }), useast1, 20);
    expect(slow.batch).toBe(20); // 20/s × 1 s
    expect(slow.fillMs).toBe(1_000);

    const noWindow = batchGeometry(resolvePlanInputs({ rate: 1_000, batchWindowMs: 0, batchSize: 10 }), useast1, 1_000);
    expect(noWindow.batch).toBe(10); // one ReceiveMessage
    expect(noWindow.fillMs).toBe(0);
  });

  it("puts Process concurrency at λ × d (Little's law), never above the bound E × M; E bounds the batches in flight", () => {
    const cap = bufferedCapacity(resolvePlanInputs({ rate: 1_000 }), useast1);
    expect(cap.bound).toBe(100);
    expect(cap.eventSourceConcurrency).toBe(4);
    expect(cap.lambdaConcurrency.process).toBeCloseTo(50, 10); // 1,000/s × 0.05 s
    expect(cap.lambdaConcurrency.validate).toBeCloseTo((1_000 / 25) * 0.02, 10);
    // The starter waits for its execution: 40 batches/s × (90 ms + 50 ms).
    expect(cap.batchesInFlight).toBeCloseTo(40 * 0.14, 10);
    expect(cap.lambdaConcurrency.starter).toBeCloseTo(4, 10); // at most E
    expect(cap.latencyMs).toBeCloseTo(25 + 140, 10);
    expect(cap.sustainable).toBe(false);
    expect(cap.bottleneck).toBe('Event source concurrency E = 4 (the bound 100 = 4 × 25)');
    // 4 batches of 25 events every 140 ms.
    expect(checkOf(cap.checks, 'eventSource.concurrency').maxEventRate).toBeCloseTo((4 * 25) / 0.14, 9);

    // Far beyond the bound: Process stays at E × M.
    const bounded = bufferedCapacity(
      resolvePlanInputs({ rate: 50_000, maxProcessorConcurrency: 40, processMs: 100, validateMs: 0, summarizeMs: 0 }),
      useast1,
    );
    expect(bounded.lambdaConcurrency.process).toBe(40);
    expect(bounded.sustainable).toBe(false);
  });

  it('finds the first limit as the rate grows: DynamoDB table writes at 40,000 WRU ÷ 8 per audit event', () => {
    const cap = bufferedCapacity(
      resolvePlanInputs({ rate: 2_000, maxProcessorConcurrency: 40_000, familyMix: { audit: 1 } }),
      useast1,
    );
    expect(cap.sustainable).toBe(true);
    expect(cap.limitingFactor).toBe('DynamoDB table write throughput quota');
    expect(cap.maxSustainableRate).toBe(5_000);
    // 2,000 × (2 idempotency + 2 KB entry × (table + 2 indexes)) WRU
    expect(checkOf(cap.checks, 'dynamodb.tableWrites').demand).toBe(16_000);
  });

  it('warns when the table must be pre-warmed, without calling the design unsustainable', () => {
    const cap = bufferedCapacity(resolvePlanInputs({ rate: 4_500, maxProcessorConcurrency: 2_000 }), useast1);
    const warm = checkOf(cap.checks, 'dynamodb.newTable');
    expect(warm.demand).toBe(4_500); // 4,500 conversation events/s × 1 write request (the fact's conditional put)
    expect(warm.ok).toBe(false);
    expect(warm.kind).toBe('warning');
    expect(cap.sustainable).toBe(true);
  });

  it('fails a batch that cannot finish within the 5-minute Express limit', () => {
    // 85 events one at a time × 4 s = 340 s > 300 s
    const cap = bufferedCapacity(
      resolvePlanInputs({
        rate: 10,
        maxProcessorConcurrency: 2,
        batchSize: 85,
        processMs: 4_000,
        batchWindowMs: 10_000,
      }),
      useast1,
    );
    expect(cap.sustainable).toBe(false);
    expect(cap.bottleneck).toBe('Express execution duration (full batch)');
    expect(cap.maxSustainableRate).toBe(0);
  });

  it('flags a batch the starter must run as several executions', () => {
    const cap = bufferedCapacity(resolvePlanInputs({ rate: 1_000, batchSize: 500, eventKb: 4 }), useast1);
    const chunks = checkOf(cap.checks, 'stepFunctions.chunks');
    expect(chunks.ok).toBe(false);
    expect(chunks.kind).toBe('warning');
    expect(cap.fullBatch.executionsPerBatch).toBeGreaterThan(1);
  });
});
