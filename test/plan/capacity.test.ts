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
    expect(useast1.pipes.accountConcurrency.value).toBe(3_000);
    expect(frankfurt.pipes.accountConcurrency.value).toBe(1_000);
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
  it('limits a batch by the 256 KiB Step Functions input and the window, and derives execution time from MaxConcurrency', () => {
    const inputs = resolvePlanInputs({ rate: 1_000 });
    const g = batchGeometry(inputs, useast1, 1_000);
    expect(g.recordBytes).toBe(2 * 1_024 + 1_024);
    expect(g.payloadLimit).toBe(85); // ⌊262,144 / 3,072⌋
    expect(g.maxBatch).toBe(85); // min(BatchSize 100, 85)
    expect(g.batch).toBe(85); // 1,000/s × 1 s window > 85
    expect(g.fillMs).toBeCloseTo(85, 10); // 85 events at 1,000/s
    expect(g.waves).toBe(9); // ⌈85 / 10⌉
    expect(g.executionMs).toBe(20 + 9 * 50 + 20); // Validate + 9 waves of Process + ReportBatch
    expect(g.executionsPerSecond).toBeCloseTo(1_000 / 85, 12);

    const slow = batchGeometry(inputs, useast1, 20);
    expect(slow.batch).toBe(20); // 20/s × 1 s
    expect(slow.fillMs).toBe(1_000);

    const noWindow = batchGeometry(resolvePlanInputs({ rate: 1_000, batchWindowMs: 0 }), useast1, 1_000);
    expect(noWindow.batch).toBe(10); // one ReceiveMessage
    expect(noWindow.fillMs).toBe(0);
  });

  it("puts Lambda concurrency at λ × d (Little's law), bounded by pipe concurrency × MaxConcurrency", () => {
    const cap = bufferedCapacity(resolvePlanInputs({ rate: 1_000 }), useast1);
    expect(cap.lambdaConcurrency.process).toBeCloseTo(50, 10); // 1,000/s × 0.05 s
    expect(cap.lambdaConcurrency.validate).toBeCloseTo((1_000 / 85) * 0.02, 10);
    expect(cap.lambdaConcurrency.summarize).toBeCloseTo((1_000 / 85) * 0.02, 10);
    expect(cap.pipeConcurrency).toBeCloseTo((1_000 / 85) * 0.49, 10); // executions/s × 490 ms
    expect(cap.pipeConcurrencyLimit).toBe(1_000);
    expect(cap.latencyMs).toBeCloseTo(85 + 490, 10);

    // Beyond the pipe's 1,000 concurrent executions × MaxConcurrency 1, the bound applies.
    const bounded = bufferedCapacity(
      resolvePlanInputs({
        rate: 50_000,
        maxConcurrency: 1,
        processMs: 100,
        validateMs: 0,
        summarizeMs: 0,
        batchSize: 10,
      }),
      useast1,
    );
    expect(bounded.lambdaConcurrency.process).toBe(1_000);
    expect(bounded.sustainable).toBe(false);
    expect(bounded.bottleneck).toBe('Pipe concurrency (SQS source)');
    // full batch of 10 takes 10 × 100 ms = 1 s: 1,000 executions × 10 events / 1 s
    expect(checkOf(bounded.checks, 'pipes.concurrency').maxEventRate).toBeCloseTo(10_000, 9);
  });

  it('finds the first limit as the rate grows: DynamoDB table writes at 40,000 WRU ÷ 4 per event', () => {
    const cap = bufferedCapacity(resolvePlanInputs({ rate: 2_000 }), useast1);
    expect(cap.sustainable).toBe(true);
    expect(cap.limitingFactor).toBe('DynamoDB table write throughput quota');
    expect(cap.maxSustainableRate).toBe(10_000);
    const lambda = checkOf(cap.checks, 'lambda.accountConcurrency');
    expect(lambda.maxEventRate).toBeCloseTo(1_000 / (0.05 + (0.02 + 0.02) / 85), 9); // Process per event, Validate + ReportBatch per batch
    expect(checkOf(cap.checks, 'dynamodb.tableWrites').demand).toBe(8_000); // 2,000 × (2 idempotency + 2 projection WRU)
  });

  it('warns when the table must be pre-warmed, without calling the design unsustainable', () => {
    const cap = bufferedCapacity(resolvePlanInputs({ rate: 1_500 }), useast1);
    const warm = checkOf(cap.checks, 'dynamodb.newTable');
    expect(warm.demand).toBe(4_500); // 1,500 events/s × 3 write requests
    expect(warm.ok).toBe(false);
    expect(warm.kind).toBe('warning');
    expect(cap.sustainable).toBe(true);
  });

  it('fails a batch that cannot finish within the 5-minute Express limit', () => {
    // 85 events one at a time × 4 s = 340 s > 300 s
    const cap = bufferedCapacity(
      resolvePlanInputs({ rate: 10, maxConcurrency: 1, processMs: 4_000, batchWindowMs: 10_000 }),
      useast1,
    );
    expect(cap.sustainable).toBe(false);
    expect(cap.bottleneck).toBe('Express execution duration (full batch)');
    expect(cap.maxSustainableRate).toBe(0);
  });

  it('uses at most 40 concurrent Map iterations and flags larger MaxConcurrency', () => {
    const cap = bufferedCapacity(resolvePlanInputs({ rate: 1_000, maxConcurrency: 100 }), useast1);
    expect(cap.geometry.mapConcurrency).toBe(40);
    expect(cap.geometry.waves).toBe(3); // ⌈85 / 40⌉
    expect(checkOf(cap.checks, 'stepFunctions.inlineMapConcurrency').ok).toBe(false);
    expect(
      bufferedCapacity(resolvePlanInputs({ rate: 1_000, maxConcurrency: 0 }), useast1).geometry.mapConcurrency,
    ).toBe(40);
  });
});
