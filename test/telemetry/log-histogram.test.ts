import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/simulate/prng.js';
import { LogHistogram, WindowedLogHistogram } from '../../src/telemetry/log-histogram.js';

/** Seeded uniform numbers in [0, 1), so every run is reproducible. */
function random(seed: number): () => number {
  const rng = new Prng(seed);
  return () => rng.float();
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** The exact quantile the histogram promises to approximate: the value of rank floor(q·(n−1)). */
function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

const QS = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function expectWithinRelative(actual: number | undefined, exact: number, alpha: number, what: string): void {
  expect(actual, what).toBeDefined();
  if (exact <= 0.001) {
    expect(actual, what).toBe(0);
    return;
  }
  const error = Math.abs(actual! - exact) / exact;
  expect(error, `${what}: estimate ${actual} vs exact ${exact}`).toBeLessThanOrEqual(alpha * (1 + 1e-9));
}

describe('LogHistogram accuracy against exact quantiles', () => {
  const distributions: Record<string, (rand: () => number) => number> = {
    'log-normal latency (median 8 ms)': (rand) => Math.exp(Math.log(8) + 0.9 * normal(rand)),
    'uniform 0–2000 ms': (rand) => rand() * 2000,
    'bimodal: 95 % ≈ 3 ms, 5 % ≈ 1.5 s (a backlog)': (rand) => (rand() < 0.95 ? 3 + rand() : 1500 + 200 * rand()),
    'heavy tail (Pareto)': (rand) => 1 / Math.pow(1 - rand(), 1 / 1.2),
    'integer milliseconds incl. zeros': (rand) => Math.floor(rand() * 5),
  };
  for (const [name, draw] of Object.entries(distributions)) {
    it(`every quantile within 1 % for ${name}`, () => {
      const rand = random(42);
      const h = new LogHistogram();
      const values = new Float64Array(200_000);
      for (let i = 0; i < values.length; i++) {
        values[i] = draw(rand);
        h.record(values[i]!);
      }
      values.sort();
      expect(h.count).toBe(values.length);
      const estimates = h.quantiles(QS);
      QS.forEach((q, i) => expectWithinRelative(estimates[i], exactQuantile(values, q), 0.01, `q=${q}`));
    });
  }

  it('holds for arbitrary data and accuracies (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e8, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.005, 0.01, 0.02, 0.05),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (data, alpha, q) => {
          const h = new LogHistogram({ relativeAccuracy: alpha });
          for (const v of data) h.record(v);
          const sorted = Float64Array.from(data).sort();
          expectWithinRelative(h.quantile(q), exactQuantile(sorted, q), alpha, `q=${q}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps its buckets fixed in size whatever the range (values clamp to max, ≤ min count as 0)', () => {
    const h = new LogHistogram({ minValue: 1, maxValue: 1000 });
    for (const v of [-5, 0, 1, 1e12, Infinity, NaN]) h.record(v);
    expect(h.count).toBe(4); // non-finite values are ignored
    expect(h.quantiles([0, 0.5, 1])).toEqual([0, 0, 1000]);
  });

  it('merges: the quantiles of a merge are those of all values', () => {
    const rand = random(7);
    const a = new LogHistogram();
    const b = new LogHistogram();
    const all: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const v = 1 + rand() * 100;
      (i % 3 === 0 ? a : b).record(v);
      all.push(v);
    }
    a.merge(b);
    const sorted = Float64Array.from(all).sort();
    expect(a.count).toBe(10_000);
    expectWithinRelative(a.quantile(0.99), exactQuantile(sorted, 0.99), 0.01, 'p99');
    expect(() => a.merge(new LogHistogram({ relativeAccuracy: 0.02 }))).toThrow(/same relativeAccuracy/);
  });

  it('answers undefined when empty and rejects bad quantiles and options', () => {
    const h = new LogHistogram();
    expect(h.quantiles([0.5, 0.99])).toEqual([undefined, undefined]);
    expect(() => h.quantile(1.5)).toThrow(/between 0 and 1/);
    expect(() => new LogHistogram({ relativeAccuracy: 0 })).toThrow(/relativeAccuracy/);
    expect(() => new LogHistogram({ minValue: 10, maxValue: 5 })).toThrow(/minValue/);
  });
});

describe('WindowedLogHistogram', () => {
  it('forgets values older than the window, slice by slice', () => {
    let now = 0;
    const w = new WindowedLogHistogram(() => now, { windowMs: 10_000, sliceMs: 1_000 });
    w.recordAll([100, 100, 100]);
    now = 5_000;
    w.record(1);
    let s = w.snapshot([0, 1]);
    expect(s.count).toBe(4);
    expect(s.quantiles[0]).toBeCloseTo(1, 1);
    expect(s.quantiles[1]).toBeCloseTo(100, -1);
    now = 9_999; // still in the window (slices 0…9)
    expect(w.snapshot([0.5]).count).toBe(4);
    now = 10_000; // slice 0 (t 0…999) has left the window
    s = w.snapshot([0.5]);
    expect(s.count).toBe(1);
    expect(s.quantiles[0]).toBeCloseTo(1, 1);
    now = 15_000;
    expect(w.snapshot([0.5])).toEqual({ count: 0, sum: 0, quantiles: [undefined] });
  });

  it('survives a long idle gap (more than a whole window) without stale slices', () => {
    let now = 0;
    const w = new WindowedLogHistogram(() => now, { windowMs: 3_000, sliceMs: 1_000 });
    for (let t = 0; t < 3_000; t += 100) {
      now = t;
      w.record(50);
    }
    now = 1_000_000;
    w.record(7);
    const s = w.snapshot([0.5]);
    expect(s.count).toBe(1);
    expect(s.quantiles[0]).toBeCloseTo(7, 0);
  });

  it('rejects a window that is not a multiple of the slice', () => {
    expect(() => new WindowedLogHistogram(() => 0, { windowMs: 2_500, sliceMs: 1_000 })).toThrow(/multiple of sliceMs/);
  });
});
