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
    // The bound as the construct derives it: 100 = 4 batches × a Map of 25.
    expect(inputs).toMatchObject({ maxProcessorConcurrency: 100, eventSourceConcurrency: 4, maxConcurrency: 25 });
    expect(resolvePlanInputs({ rate: 1, maxProcessorConcurrency: 200 })).toMatchObject({
      eventSourceConcurrency: 5,
      maxConcurrency: 40,
    });
    expect(resolvePlanInputs({ rate: 250, peakRate: 900 }).peakRate).toBe(900);
  });

  it('names the option, the accepted values and why', () => {
    expect(errorOf({ rate: 500, peakRate: 100 })).toMatchObject({ input: '--peak-rate' });
    expect(errorOf({ rate: 0 }).message).toBe(
      '--rate: expected a number > 0 and ≤ 10,000,000 (average events per second), got 0',
    );
    expect(errorOf({ rate: 1, batchWindowMs: 250 }).message).toContain(
      "an event source mapping's MaximumBatchingWindowInSeconds is a whole number of seconds",
    );
    expect(errorOf({ rate: 1, batchWindowMs: 0 }).message).toContain('needs a batching window of at least 1000 ms');
    expect(errorOf({ rate: 1, maxProcessorConcurrency: 1009 })).toMatchObject({
      input: '--max-processor-concurrency',
    });
    expect(errorOf({ rate: 1, maxProcessorConcurrency: 1009 }).message).toContain('cannot be split into');
    expect(errorOf({ rate: 1, eventSourceConcurrency: 1 })).toMatchObject({ input: '--event-source-concurrency' });
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
  it('sizes the bound for Process and for the batches in flight (each at most 80 % used), a batch of one wave', () => {
    const inputs = resolvePlanInputs({ rate: 1_000, targetLatencyMs: 2_000 });
    const rec = recommendBuffered(inputs, quotas);
    expect(rec).toMatchObject({
      achievable: true,
      maxProcessorConcurrency: 176,
      eventSourceConcurrency: 8,
      maxConcurrency: 22,
      // The largest batch whose execution fits 5 minutes at worst with 10 s functions: one wave of 22.
      batchSize: 22,
    });
    expect(rec.eventSourceConcurrency * rec.maxConcurrency).toBe(rec.maxProcessorConcurrency);
    // Fill 22 ms + Validate 20 + Process 50 + ReportBatch 20 + 50 ms to start = 162 ms.
    expect(rec.expectedLatencyMs).toBeCloseTo(162, 9);
    expect(rec.batchesInFlight).toBeCloseTo((1_000 / 22) * 0.14, 9);
    expect(rec.batchesInFlight).toBeLessThanOrEqual(0.8 * rec.eventSourceConcurrency);
    expect(1_000 * 0.05).toBeLessThanOrEqual(0.8 * rec.maxProcessorConcurrency);
    // Reserving exactly the bound: E × M for Process, E for each per-batch function.
    expect(rec.reservedConcurrency).toEqual({
      validate: 8,
      process: 176,
      summarize: 8,
      starter: 8,
      accountNeeded: 300,
    });
  });

  it('shrinks the batch when a short target leaves no room to fill it', () => {
    const rec = recommendBuffered(resolvePlanInputs({ rate: 1_000, targetLatencyMs: 320 }), quotas);
    expect(rec.achievable).toBe(true);
    // Half the target, 160 ms: fill b ms + 140 ms ≤ 160 → b ≤ 20 (and at most one wave of M).
    expect(rec.batchSize).toBeLessThanOrEqual(20);
    expect(rec.batchSize).toBeLessThanOrEqual(rec.maxConcurrency);
    expect(rec.expectedLatencyMs).toBeCloseTo(rec.batchSize + 140, 9);
  });

  it('keeps batches within one ReceiveMessage without a batching window', () => {
    const rec = recommendBuffered(resolvePlanInputs({ rate: 1_000, batchWindowMs: 0, batchSize: 10 }), quotas);
    expect(rec.batchSize).toBe(10);
  });

  it('says so when no setting meets the target', () => {
    // A batch of one fills in 10 ms at 100/s, then 90 ms of execution and 50 ms to start: 150 ms at least.
    const rec = recommendBuffered(resolvePlanInputs({ rate: 100, targetLatencyMs: 60 }), quotas);
    expect(rec.achievable).toBe(false);
  });

  it('asks for an account quota that covers the reservations plus the 100 Lambda keeps unreserved', () => {
    const rec = recommendBuffered(resolvePlanInputs({ rate: 20_000, processMs: 100 }), quotas);
    expect(rec.maxProcessorConcurrency).toBeGreaterThanOrEqual(2_500); // 20,000 × 0.1 / 0.8
    expect(rec.reservedConcurrency.process).toBe(rec.maxProcessorConcurrency);
    expect(rec.reservedConcurrency.accountNeeded).toBe(
      rec.maxProcessorConcurrency + 3 * rec.eventSourceConcurrency + 100,
    );
  });
});

describe('recommendDirect', () => {
  it("reserves Little's-law concurrency with 20 % headroom per function", () => {
    const rec = recommendDirect(resolvePlanInputs({ rate: 250 }), quotas);
    // Process ⌈1.2 × 250 × 0.05⌉ = 15, Validate ⌈1.2 × 250 × 0.02⌉ = 6
    expect(rec.reservedConcurrency).toEqual({ validate: 6, process: 15, summarize: 0, starter: 0, accountNeeded: 121 });
    expect(rec.expectedLatencyMs).toBe(70);
    expect(rec.achievable).toBe(true);
  });
});
