/**
 * The concurrency bound (E × M) and the execution time budget: how one number splits into the
 * event source concurrency and the Map's MaxConcurrency, and what one execution costs at worst.
 */
import { describe, expect, it } from 'vitest';
import { executionTimeBudget, resolveConcurrencyBound } from '../../src/workflow/index.js';
import { factorBound, nearbyBounds } from '../../src/workflow/concurrency-bound.js';
import { maxEventsWithinBudget, retryBackoffSeconds } from '../../src/workflow/time-budget.js';

function resolve(input: Parameters<typeof resolveConcurrencyBound>[0]) {
  const problems: string[] = [];
  return { bound: resolveConcurrencyBound(input, problems), problems };
}

describe('resolveConcurrencyBound', () => {
  it('splits the bound into the largest Map ≤ 40 that divides it, with E × M exactly the bound', () => {
    expect(resolve({}).bound).toEqual({ eventSourceConcurrency: 4, maxConcurrency: 25, maxProcessorConcurrency: 100 });
    expect(resolve({ maxProcessorConcurrency: 1000 }).bound).toMatchObject({
      eventSourceConcurrency: 25,
      maxConcurrency: 40,
    });
    expect(resolve({ maxProcessorConcurrency: 10 }).bound).toMatchObject({
      eventSourceConcurrency: 2,
      maxConcurrency: 5,
    });
    expect(resolve({ maxProcessorConcurrency: 97 }).bound).toMatchObject({
      eventSourceConcurrency: 97,
      maxConcurrency: 1,
    });
    for (let p = 2; p <= 40_000; p += 37) {
      const f = factorBound(p);
      if (f) expect(f.eventSourceConcurrency * f.maxConcurrency).toBe(p);
    }
  });

  it('takes E and M as given, or derives the missing one from the bound', () => {
    expect(resolve({ eventSourceConcurrency: 10, maxConcurrency: 10 }).bound?.maxProcessorConcurrency).toBe(100);
    expect(resolve({ maxProcessorConcurrency: 120, eventSourceConcurrency: 6 }).bound).toMatchObject({
      maxConcurrency: 20,
    });
    expect(resolve({ maxProcessorConcurrency: 120, maxConcurrency: 8 }).bound).toMatchObject({
      eventSourceConcurrency: 15,
    });
  });

  it.each([
    [{ eventSourceConcurrency: 1 }, 'eventSourceConcurrency is 1; it must be a whole number from 2 to 1000'],
    [{ eventSourceConcurrency: 1001 }, 'eventSourceConcurrency is 1001'],
    [{ maxConcurrency: 41 }, 'maxConcurrency is 41; it must be a whole number from 1 to 40'],
    [{ maxProcessorConcurrency: 1 }, 'maxProcessorConcurrency is 1; it must be a whole number from 2 to 40000'],
    [
      { maxProcessorConcurrency: 1009 },
      'maxProcessorConcurrency 1009 cannot be split into eventSourceConcurrency (2–1000) × maxConcurrency (1–40); use',
    ],
    [
      { maxProcessorConcurrency: 100, eventSourceConcurrency: 3 },
      'maxProcessorConcurrency 100 is not eventSourceConcurrency 3 × a whole maxConcurrency from 1 to 40',
    ],
    [
      { maxProcessorConcurrency: 90, eventSourceConcurrency: 10, maxConcurrency: 10 },
      'maxProcessorConcurrency is 90 but eventSourceConcurrency × maxConcurrency = 10 × 10 = 100',
    ],
  ])('refuses %j: %s', (input, message) => {
    const { bound, problems } = resolve(input);
    expect(bound).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('suggests nearby bounds that split well', () => {
    expect(nearbyBounds(97)).toEqual(['96 (3 × 32)', '98 (7 × 14)']);
    expect(resolve({ maxProcessorConcurrency: 1009 }).problems[0]).toMatch(/use 1008 \(\d+ × \d+\)/);
  });
});

describe('executionTimeBudget', () => {
  it('adds up the backoff of every retry, capped by MaxDelaySeconds', () => {
    expect(retryBackoffSeconds({ maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 4 })).toBe(7);
    expect(retryBackoffSeconds({ maxAttempts: 5, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 4 })).toBe(15);
    expect(retryBackoffSeconds({ maxAttempts: 0, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 4 })).toBe(0);
  });

  it('counts every attempt at the task timeout: Validate + ⌈n / M⌉ × Process + ReportBatch', () => {
    const options = { mode: 'buffered' as const, maxConcurrency: 25, taskTimeoutSeconds: 15 };
    // Validate/ReportBatch: (1 + 3 throttle retries) × 15 + (1 + 2 + 4); Process: (1 + 3 + 2) × 15 + 7 + (1 + 2).
    expect(executionTimeBudget(options, 25)).toEqual({
      perBatchTaskSeconds: 67,
      processSeconds: 100,
      waves: 1,
      executionSeconds: 234,
    });
    expect(executionTimeBudget(options, 26).executionSeconds).toBe(334);
    expect(maxEventsWithinBudget(options)).toBe(25);
    expect(maxEventsWithinBudget({ ...options, taskTimeoutSeconds: 5 })).toBe(25 * Math.floor((300 - 2 * 27) / 40));
    expect(maxEventsWithinBudget({ ...options, taskTimeoutSeconds: 60 })).toBe(0);
  });
});
