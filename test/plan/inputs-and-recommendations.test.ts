/** Input validation, and the settings recommended for a target latency. */
import { describe, expect, it } from 'vitest';
import { recommendBuffered, recommendDirect } from '../../src/plan/recommend.js';
import { PLAN_DEFAULTS, PlanInputError, quotasForRegion, resolvePlanInputs } from '../../src/plan/index.js';
import type { PlanInputOptions } from '../../src/plan/index.js';

const quotas = quotasForRegion('us-east-1');

function errorOf(options: PlanInputOptions): PlanInputError {
  try {
    resolvePlanInputs(options);
  } catch (error) {
    if (error instanceof PlanInputError) return error;
    throw error;
  }
  throw new Error('expected a PlanInputError');
}

describe('resolvePlanInputs', () => {
  it('applies the defaults and uses the average rate as the peak unless given', () => {
    const inputs = resolvePlanInputs({ rate: 250 });
    expect(inputs).toMatchObject({ ...PLAN_DEFAULTS, rate: 250, peakRate: 250 });
    expect(resolvePlanInputs({ rate: 250, peakRate: 900 }).peakRate).toBe(900);
  });

  it('names the option, the accepted values and why', () => {
    expect(errorOf({ rate: 500, peakRate: 100 })).toMatchObject({ input: '--peak-rate' });
    expect(errorOf({ rate: 0 }).message).toBe(
      '--rate: expected a number > 0 and ≤ 10,000,000 (average events per second), got 0',
    );
    expect(errorOf({ rate: 1, batchWindowMs: 250 }).message).toContain(
      "a Pipe's MaximumBatchingWindowInSeconds is a whole number of seconds",
    );
    expect(errorOf({ rate: 1, region: 'virginia' }).message).toContain('"virginia" is not an AWS Region code');
    expect(errorOf({ rate: 1, batchSize: 20_000 }).input).toBe('--batch-size');
    expect(errorOf({ rate: 1, reservedConcurrency: 950 }).message).toContain(
      "Lambda keeps 100 of the account's 1000 unreserved",
    );
    expect(errorOf({ rate: 1, retryMaxAgeSeconds: 30 }).input).toBe('--retry-max-age-s');
    expect(errorOf({ rate: 1, eventKb: 300 }).message).toContain('an EventBridge event is at most 256 KB');
    expect(errorOf({ rate: 1, modes: [] }).input).toBe('--mode');
  });
});

describe('recommendBuffered', () => {
  it('takes the largest batch that fits, then the smallest MaxConcurrency within half the target', () => {
    // Target 2 s → budget 1 s. Batch 85 (payload limit) fills in 85 ms at 1,000/s; Validate and
    // ReportBatch 20 ms each; ⌊(1,000 − 85 − 40) / 50⌋ = 17 waves → MaxConcurrency ⌈85 / 17⌉ = 5
    // → 85 + 40 + 17 × 50 = 975 ms.
    const rec = recommendBuffered(resolvePlanInputs({ rate: 1_000, targetLatencyMs: 2_000 }), quotas);
    expect(rec).toMatchObject({ achievable: true, batchSize: 85, maxConcurrency: 5 });
    expect(rec.expectedLatencyMs).toBeCloseTo(975, 9);
    expect(rec.pipeConcurrency).toBeCloseTo((1_000 / 85) * 0.89, 9);
    // Reserved: ⌈1.2 × 1,000 × 0.05⌉ = 60 for Process, ⌈1.2 × (1,000/85) × 0.02⌉ = 1 each for Validate and ReportBatch.
    expect(rec.reservedConcurrency).toEqual({ validate: 1, process: 60, summarize: 1, accountNeeded: 162 });
  });

  it('shrinks the batch when a short target leaves no room to fill it', () => {
    // Budget 100 ms at 1,000/s: fill b ms + 20 + 50 + 20 ≤ 100 → b ≤ 10, one wave of 10.
    const rec = recommendBuffered(resolvePlanInputs({ rate: 1_000, targetLatencyMs: 200 }), quotas);
    expect(rec).toMatchObject({ achievable: true, batchSize: 10, maxConcurrency: 10 });
    expect(rec.expectedLatencyMs).toBeCloseTo(100, 9);
  });

  it('keeps batches within one ReceiveMessage without a batching window', () => {
    const rec = recommendBuffered(resolvePlanInputs({ rate: 1_000, batchWindowMs: 0 }), quotas);
    expect(rec.batchSize).toBe(10);
  });

  it('says so when no setting meets the target', () => {
    // A batch of one fills in 10 ms at 100/s, then Validate 20 + Process 50 + ReportBatch 20: 100 ms at least.
    const rec = recommendBuffered(resolvePlanInputs({ rate: 100, targetLatencyMs: 60 }), quotas);
    expect(rec.achievable).toBe(false);
  });

  it('asks for an account quota that covers the reservations plus the 100 Lambda keeps unreserved', () => {
    const rec = recommendBuffered(resolvePlanInputs({ rate: 20_000, processMs: 100 }), quotas);
    expect(rec.reservedConcurrency.process).toBe(2_400); // ⌈1.2 × 20,000 × 0.1⌉
    expect(rec.reservedConcurrency.accountNeeded).toBe(
      2_400 + rec.reservedConcurrency.validate + rec.reservedConcurrency.summarize + 100,
    );
  });
});

describe('recommendDirect', () => {
  it("reserves Little's-law concurrency with 20 % headroom per function", () => {
    const rec = recommendDirect(resolvePlanInputs({ rate: 250 }), quotas);
    // Process ⌈1.2 × 250 × 0.05⌉ = 15, Validate ⌈1.2 × 250 × 0.02⌉ = 6
    expect(rec.reservedConcurrency).toEqual({ validate: 6, process: 15, summarize: 0, accountNeeded: 121 });
    expect(rec.expectedLatencyMs).toBe(70);
    expect(rec.achievable).toBe(true);
  });
});
