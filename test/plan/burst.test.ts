/**
 * Burst simulations against small cases worked by hand, conservation of events, determinism,
 * and sustained overload.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchGeometry } from '../../src/plan/batching.js';
import { quotasForRegion, resolvePlanInputs, simulateBurst } from '../../src/plan/index.js';
import { simulateBufferedBurst, simulateDirectBurst } from '../../src/plan/burst/index.js';
import type { BufferedBurstParams, BurstResult, DirectBurstParams } from '../../src/plan/index.js';

/** 10-event batches (one execution each) of 100 ms, 5 initial batches growing by 1 a second, nothing else binding. */
const buffered: BufferedBurstParams = {
  baseRate: 0,
  burst: 1_000,
  invocationsPerSecond: 18_750,
  batch: 10,
  starterMs: 100,
  eventsPerExecution: 10,
  validateMs: 0,
  processMs: 100,
  summarizeMs: 0,
  baseBatchesInFlight: 0,
  initialBatches: 5,
  scaleUpPerSecond: 1,
  eventSourceConcurrency: 1_000,
  inFlightLimit: 120_000,
  expressStartsPerSecond: 6_000,
  processConcurrencyLimit: 1_000,
  retentionSeconds: 345_600,
  delayedThresholdSeconds: 60,
  horizonSeconds: 432_000,
};

/** A StartExecution bucket of 1,000 refilled at 1,000/s; transitions and invocations unconstrained. */
const direct: DirectBurstParams = {
  baseRate: 0,
  burst: 1_500,
  invocationsPerSecond: 1_000_000,
  startBucket: 1_000,
  startRefillPerSecond: 1_000,
  transitionBucket: 1e9,
  transitionRefillPerSecond: 1e9,
  transitionsPerExecution: 3,
  validateMs: 20,
  processMs: 50,
  retryAttempts: 185,
  retryMaxAgeSeconds: 86_400,
  retryBaseSeconds: 1,
  retryCapSeconds: 981.6,
  delayedThresholdSeconds: 60,
  horizonSeconds: 90_000,
};

function arrivals(r: BurstResult): number {
  return r.burstEvents + r.baseRate * r.simulatedSeconds;
}

describe('buffered burst, worked by hand', () => {
  it('drains 1,000 events as pollers ramp from 5 by 0.1 per 0.1 s step: 10·E events per step', () => {
    // Step k (k = 0…) serves 10 × (5 + 0.1k) events: after 17 steps 850 + 136 = 986, step 18 serves the last 14.
    const r = simulateBufferedBurst(buffered);
    expect(r.timeToDrainSeconds).toBeCloseTo(1.8, 9);
    expect(r.steps).toBe(18);
    expect(r.processed).toBeCloseTo(1_000, 9);
    expect(r.peakBacklog).toBe(1_000);
    // Step 17 runs 6.6 batches of 10 in 0.1 s: 660 events/s × 0.1 s = 66 concurrent Process
    // invocations, and 6.6 batch starters busy with them.
    expect(r.peakLambdaConcurrency).toBeCloseTo(66 + 6.6, 9);
    expect(r.peakProcessConcurrency).toBeCloseTo(66, 9); // no Validate time in this case
    expect(r.delayedOverOneMinute).toBe(0);
    expect(r.atRiskOfDrop).toBe(0);
  });

  it('drops what is still queued when the retention period ends', () => {
    // 5 fixed pollers serve 50 events per 0.1 s; after 1 s, 500 are served and the other 500 expire.
    const r = simulateBufferedBurst({ ...buffered, scaleUpPerSecond: 0, retentionSeconds: 1 });
    expect(r.processed).toBeCloseTo(500, 9);
    expect(r.atRiskOfDrop).toBeCloseTo(500, 9);
    expect(r.timeToDrainSeconds).toBeCloseTo(1, 9);
  });

  it('delays delivery to SQS at the EventBridge invocations quota and counts events over a minute', () => {
    // 10 invocations/s: one event per 0.1 s step reaches SQS and is served at once (50 ms executions).
    // An event delivered in the step ending at t completes at t + 0.05 s: late from t = 60.0 s, i.e.
    // the steps ending 60.0 … 100.0 s: 401 events.
    const r = simulateBufferedBurst({
      ...buffered,
      invocationsPerSecond: 10,
      starterMs: 50,
      processMs: 50,
      baseBatchesInFlight: 100,
    });
    expect(r.timeToDrainSeconds).toBeCloseTo(100, 6);
    expect(r.delayedOverOneMinute).toBeCloseTo(401, 6);
    expect(r.processed).toBeCloseTo(1_000, 6);
  });

  it('is capped by the concurrency the Process function can get (a reservation below the bound throttles)', () => {
    // 20 concurrent Process invocations of 100 ms: 200 events/s whatever the mapping could do; 2 starters busy.
    const r = simulateBufferedBurst({ ...buffered, baseBatchesInFlight: 1_000, processConcurrencyLimit: 20 });
    expect(r.timeToDrainSeconds).toBeCloseTo(5, 9);
    expect(r.peakProcessConcurrency).toBeCloseTo(20, 9);
    expect(r.peakLambdaConcurrency).toBeCloseTo(22, 9);
  });

  it('a 1,000,000-event backlog drains at the bound: E batches at a time, Process never above E × M, nothing dropped', () => {
    const quotas = quotasForRegion('us-east-1');
    for (const bound of [100, 400, 1_000]) {
      const inputs = resolvePlanInputs({
        rate: 10,
        maxProcessorConcurrency: bound,
        reservedConcurrency: bound,
        accountConcurrency: 2_000,
      });
      const r = simulateBurst(inputs, quotas, 'buffered', 1_000_000);
      const full = batchGeometry(inputs, quotas, Infinity);
      // E pollers, each a full batch per starter duration (after a ramp of a few seconds).
      const drainRate = (inputs.eventSourceConcurrency * full.batch) / (full.starterMs / 1_000);
      expect(r.timeToDrainSeconds).not.toBeNull();
      expect(1_000_000 / r.timeToDrainSeconds!).toBeGreaterThan(drainRate * 0.95);
      expect(1_000_000 / r.timeToDrainSeconds!).toBeLessThanOrEqual(drainRate + 10);
      expect(r.atRiskOfDrop).toBe(0);
      expect(r.peakProcessConcurrency).toBeLessThanOrEqual(bound);
    }
  });
});

describe('direct burst, worked by hand', () => {
  it('absorbs a burst the StartExecution bucket holds (1,300 in us-east-1) without a throttle', () => {
    const inputs = resolvePlanInputs({ rate: 1 });
    const r = simulateBurst({ ...inputs, rate: 0.000001 }, quotasForRegion('us-east-1'), 'direct', 1_300);
    expect(r.throttledAttempts).toBe(0);
    expect(r.atRiskOfDrop).toBe(0);
    expect(r.timeToDrainSeconds).toBe(0.1);
    // 1,300 executions started in 0.1 s, each 70 ms of Lambda: 13,000/s × 0.07 s = 910.
    expect(r.peakLambdaConcurrency).toBe(910);
    expect(r.peakProcessConcurrency).toBe(650); // 13,000/s × 0.05 s
  });

  it('drops throttled events at once when the target does not retry', () => {
    // us-east-1: 1,875 attempts fit the invocations quota in the first 0.1 s; the bucket grants
    // 1,300 + 30 refill, 545 are throttled and dropped. The last 125 find 30 tokens: 95 dropped.
    const q = quotasForRegion('us-east-1');
    const r = simulateBurst(
      { ...resolvePlanInputs({ rate: 1, retryAttempts: 0 }), rate: 0.000001 },
      q,
      'direct',
      2_000,
    );
    expect(r.atRiskOfDrop).toBe(640);
    expect(r.processed).toBe(1_360);
    expect(r.throttledAttempts).toBe(640);
    expect(r.timeToDrainSeconds).toBe(0.2);
  });

  it('retries throttled events with jitter: 400 spread over the next second all succeed', () => {
    // 1,000 + 100 tokens in the first step; 400 throttled retry over 1 s at 40 per 0.1 s, within the refill.
    const r = simulateDirectBurst(direct);
    expect(r.throttledAttempts).toBeCloseTo(400, 6);
    expect(r.processed).toBeCloseTo(1_500, 6);
    expect(r.atRiskOfDrop).toBe(0);
    expect(r.timeToDrainSeconds).toBeCloseTo(1.1, 9);
    expect(r.delayedOverOneMinute).toBe(0);
  });

  it('drops events once their retries are exhausted', () => {
    // No refill: 1,000 start, the other 1,000 fail their first attempt and both retries (3,000 throttles).
    const r = simulateDirectBurst({ ...direct, burst: 2_000, startRefillPerSecond: 0, retryAttempts: 2 });
    expect(r.processed).toBeCloseTo(1_000, 6);
    expect(r.atRiskOfDrop + r.backlogAtEnd).toBeCloseTo(1_000, 6);
    expect(r.atRiskOfDrop).toBeGreaterThan(999);
    expect(r.throttledAttempts).toBeGreaterThan(2_999);
    expect(r.throttledAttempts).toBeLessThanOrEqual(3_000 + 1e-6);
  });

  it('counts events admitted after long backoff as delayed', () => {
    // Refill 10/s: a burst of 5,000 over a 1,000 bucket takes minutes; many wait past a minute.
    const r = simulateDirectBurst({ ...direct, burst: 5_000, startRefillPerSecond: 10 });
    expect(r.processed).toBeGreaterThan(4_999.5);
    expect(r.processed + r.backlogAtEnd).toBeCloseTo(5_000, 6);
    expect(r.timeToDrainSeconds).toBeGreaterThan(400); // 4,000 / 10 per second at best
    expect(r.delayedOverOneMinute).toBeGreaterThan(3_000);
    expect(r.atRiskOfDrop).toBe(0);
  });
});

describe('burst simulations in general', () => {
  it('conserve events: processed + dropped + still waiting = arrived', () => {
    fc.assert(
      fc.property(
        fc.record({
          baseRate: fc.double({ min: 0, max: 400, noNaN: true }),
          burst: fc.integer({ min: 1, max: 200_000 }),
          refill: fc.integer({ min: 50, max: 2_000 }),
          attempts: fc.integer({ min: 0, max: 185 }),
          maxAge: fc.integer({ min: 60, max: 3_600 }),
          pipes: fc.integer({ min: 1, max: 50 }),
          retention: fc.integer({ min: 1, max: 600 }),
        }),
        (c) => {
          const d = simulateDirectBurst({
            ...direct,
            baseRate: c.baseRate,
            burst: c.burst,
            startRefillPerSecond: c.refill,
            retryAttempts: c.attempts,
            retryMaxAgeSeconds: c.maxAge,
            horizonSeconds: c.maxAge + 2_600,
          });
          expect(d.processed + d.atRiskOfDrop + d.backlogAtEnd).toBeCloseTo(arrivals(d), 3);
          const b = simulateBufferedBurst({
            ...buffered,
            baseRate: c.baseRate,
            burst: c.burst,
            eventSourceConcurrency: c.pipes,
            retentionSeconds: c.retention,
            horizonSeconds: c.retention + 600,
          });
          expect(b.processed + b.atRiskOfDrop + b.backlogAtEnd).toBeCloseTo(arrivals(b), 3);
        },
      ),
      { numRuns: 25, seed: 8 },
    );
  });

  it('is deterministic', () => {
    const inputs = resolvePlanInputs({ rate: 250 });
    const q = quotasForRegion('us-east-1');
    expect(simulateBurst(inputs, q, 'direct', 50_000)).toEqual(simulateBurst(inputs, q, 'direct', 50_000));
    expect(simulateBurst(inputs, q, 'buffered', 50_000)).toEqual(simulateBurst(inputs, q, 'buffered', 50_000));
  });

  it('never drains when the base rate alone exceeds the StartExecution refill, and drops events after the retry window', () => {
    const r = simulateBurst(resolvePlanInputs({ rate: 400 }), quotasForRegion('us-east-1'), 'direct', 1_000);
    expect(r.timeToDrainSeconds).toBeNull();
    expect(r.backlogAtEnd).toBeGreaterThan(0);
    expect(r.atRiskOfDrop).toBeGreaterThan(0);
    expect(r.simulatedSeconds).toBeGreaterThan(86_400);
  });

  it('drains a million-event burst in the buffered topology with nothing at risk', () => {
    const r = simulateBurst(resolvePlanInputs({ rate: 100 }), quotasForRegion('us-east-1'), 'buffered', 1_000_000);
    expect(r.timeToDrainSeconds).not.toBeNull();
    expect(r.atRiskOfDrop).toBe(0);
    expect(r.peakBacklog).toBeGreaterThanOrEqual(1_000_000);
  });
});
