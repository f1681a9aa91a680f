/**
 * Streaming quantiles with a guaranteed relative error: a log-bucketed histogram (the bucket
 * layout of DDSketch, Masson et al., VLDB 2019). Bucket `k` holds the values in
 * `(γ^(k-1), γ^k]` with `γ = (1 + α) / (1 - α)`; reporting `2γ^k / (γ + 1)` for a value of that
 * bucket is within a relative error `α` of it. So every quantile read from the histogram is
 * within `α` (default 1 %) of the exact quantile of the recorded values, whatever their
 * distribution. Recording costs one logarithm and one array increment, and memory is fixed
 * (about 1,400 buckets for 1 µs … 11 days at 1 %).
 *
 * {@link WindowedLogHistogram} keeps one histogram per time slice to answer "quantiles over the
 * last N seconds".
 */
import type { MonotonicClock } from './clock.js';
import { TelemetryArgumentError } from './errors.js';

/** Options of a {@link LogHistogram}. */
interface LogHistogramOptions {
  /** Relative accuracy α of every quantile, 0 < α < 1. Default 0.01 (1 %). */
  relativeAccuracy?: number;
  /** Values at or below this (and negative values) count as 0. Default 0.001 (1 µs, in ms). */
  minValue?: number;
  /** Values above this are recorded as this. Default 1e9 (about 11.6 days, in ms). */
  maxValue?: number;
}

/**
 * A mergeable histogram with logarithmic buckets that answers quantiles within a relative error.
 *
 * @example
 * const h = new LogHistogram();
 * for (const ms of [3, 5, 8, 13, 21]) h.record(ms);
 * h.quantile(0.5); // ≈ 8 (within 1 %)
 */
export class LogHistogram {
  /** The relative accuracy α. */
  readonly relativeAccuracy: number;
  /** Smallest value told apart from 0. */
  readonly minValue: number;
  /** Largest value kept; larger ones are clamped to it. */
  readonly maxValue: number;
  private readonly logGamma: number;
  private readonly gamma: number;
  /** Index of the bucket holding `minValue`; bucket 0 of `counts` is the one just above it. */
  private readonly offset: number;
  private readonly counts: Float64Array;
  private zeros = 0;
  private total = 0;
  private sumOfValues = 0;

  constructor(options: LogHistogramOptions = {}) {
    const alpha = options.relativeAccuracy ?? 0.01;
    const minValue = options.minValue ?? 0.001;
    const maxValue = options.maxValue ?? 1e9;
    if (!(alpha > 0 && alpha < 1))
      throw new TelemetryArgumentError(
        `LogHistogram: relativeAccuracy must be between 0 and 1 (exclusive), got ${alpha}; 0.01 means 1 %.`,
      );
    if (!(minValue > 0 && maxValue > minValue)) {
      throw new TelemetryArgumentError(
        `LogHistogram: need 0 < minValue < maxValue, got minValue ${minValue} and maxValue ${maxValue}.`,
      );
    }
    this.relativeAccuracy = alpha;
    this.minValue = minValue;
    this.maxValue = maxValue;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
    this.offset = Math.ceil(Math.log(minValue) / this.logGamma);
    const last = Math.ceil(Math.log(maxValue) / this.logGamma);
    this.counts = new Float64Array(last - this.offset + 1);
  }

  /** How many values were recorded. */
  get count(): number {
    return this.total;
  }

  /** The exact sum of the recorded values (negative values count as 0, values above `maxValue` as `maxValue`). */
  get sum(): number {
    return this.sumOfValues;
  }

  /** Records one value. Non-finite values (NaN, ±Infinity) are ignored. */
  record(value: number): void {
    if (!Number.isFinite(value)) return;
    this.total++;
    if (value <= this.minValue) {
      this.zeros++;
      if (value > 0) this.sumOfValues += value;
      return;
    }
    const v = value > this.maxValue ? this.maxValue : value;
    this.sumOfValues += v;
    this.counts[Math.ceil(Math.log(v) / this.logGamma) - this.offset]!++;
  }

  /** Adds every value of `other` (which must have the same options) to this histogram. */
  merge(other: LogHistogram): void {
    if (other.counts.length !== this.counts.length || other.offset !== this.offset || other.gamma !== this.gamma) {
      throw new TelemetryArgumentError(
        'LogHistogram.merge: both histograms must be created with the same relativeAccuracy, minValue and maxValue.',
      );
    }
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.zeros += other.zeros;
    this.total += other.total;
    this.sumOfValues += other.sumOfValues;
  }

  /** Forgets every value. */
  clear(): void {
    this.counts.fill(0);
    this.zeros = 0;
    this.total = 0;
    this.sumOfValues = 0;
  }

  /**
   * The `q`-quantile (0 ≤ q ≤ 1) of the recorded values, within the relative accuracy of the
   * value of rank `floor(q × (count − 1))` in sorted order; `undefined` when empty.
   */
  quantile(q: number): number | undefined {
    return this.quantiles([q])[0];
  }

  /** Several quantiles in one pass; `qs` need not be sorted. Each entry as for {@link quantile}. */
  quantiles(qs: readonly number[]): (number | undefined)[] {
    for (const q of qs) {
      if (!(q >= 0 && q <= 1))
        throw new TelemetryArgumentError(
          `LogHistogram: a quantile must be between 0 and 1, got ${q}; e.g. 0.99 for p99.`,
        );
    }
    if (this.total === 0) return qs.map(() => undefined);
    const order = qs.map((q, i) => ({ i, rank: Math.floor(q * (this.total - 1)) })).sort((a, b) => a.rank - b.rank);
    const result = new Array<number | undefined>(qs.length);
    let next = 0;
    let seen = this.zeros;
    while (next < order.length && order[next]!.rank < seen) result[order[next++]!.i] = 0;
    for (let b = 0; b < this.counts.length && next < order.length; b++) {
      seen += this.counts[b]!;
      if (order[next]!.rank >= seen) continue;
      const estimate = Math.min((2 * Math.pow(this.gamma, b + this.offset)) / (this.gamma + 1), this.maxValue);
      while (next < order.length && order[next]!.rank < seen) result[order[next++]!.i] = estimate;
    }
    return result;
  }
}

/** Options of a {@link WindowedLogHistogram}. */
interface WindowedLogHistogramOptions extends LogHistogramOptions {
  /** How far back quantiles look, in milliseconds. Default 10,000. */
  windowMs?: number;
  /** Width of one time slice, in milliseconds; `windowMs` must be a multiple. Default 1,000. */
  sliceMs?: number;
}

/**
 * Quantiles of the values recorded over the last `windowMs` (default 10 s): a ring of
 * {@link LogHistogram}s, one per time slice, merged when read. The window holds the current
 * slice plus the ones before it, so it spans between `windowMs - sliceMs` and `windowMs`.
 *
 * @example
 * let now = 0;
 * const latency = new WindowedLogHistogram(() => now);
 * latency.record(12);
 * latency.snapshot([0.5, 0.99]); // { count: 1, quantiles: [≈12, ≈12] }
 * now = 60_000;
 * latency.snapshot([0.5]); // { count: 0, quantiles: [undefined] }
 */
export class WindowedLogHistogram {
  /** The window length in milliseconds. */
  readonly windowMs: number;
  private readonly sliceMs: number;
  private readonly slices: LogHistogram[];
  private readonly merged: LogHistogram;
  private newest: number;

  constructor(
    private readonly clock: MonotonicClock,
    options: WindowedLogHistogramOptions = {},
  ) {
    const windowMs = options.windowMs ?? 10_000;
    const sliceMs = options.sliceMs ?? 1_000;
    if (!(sliceMs > 0) || !(windowMs >= sliceMs) || !Number.isInteger(windowMs / sliceMs)) {
      throw new TelemetryArgumentError(
        `WindowedLogHistogram: windowMs (${windowMs}) must be a positive multiple of sliceMs (${sliceMs}); e.g. windowMs 10000 with sliceMs 1000.`,
      );
    }
    this.windowMs = windowMs;
    this.sliceMs = sliceMs;
    this.slices = Array.from({ length: windowMs / sliceMs }, () => new LogHistogram(options));
    this.merged = new LogHistogram(options);
    this.newest = Math.floor(clock() / sliceMs);
  }

  /** Records values observed now (non-finite ones are ignored). */
  recordAll(values: ArrayLike<number>): void {
    const slice = this.currentSlice();
    for (let i = 0; i < values.length; i++) slice.record(values[i]!);
  }

  /** Records one value observed now. */
  record(value: number): void {
    this.currentSlice().record(value);
  }

  /** The number of values in the window, their sum (exact), and the requested quantiles of them. */
  snapshot(qs: readonly number[]): { count: number; sum: number; quantiles: (number | undefined)[] } {
    this.currentSlice();
    this.merged.clear();
    for (const slice of this.slices) if (slice.count > 0) this.merged.merge(slice);
    return { count: this.merged.count, sum: this.merged.sum, quantiles: this.merged.quantiles(qs) };
  }

  private currentSlice(): LogHistogram {
    const current = Math.floor(this.clock() / this.sliceMs);
    const size = this.slices.length;
    if (current > this.newest) {
      const steps = Math.min(current - this.newest, size);
      for (let i = 1; i <= steps; i++) this.slices[(this.newest + i) % size]!.clear();
      this.newest = current;
    }
    return this.slices[this.newest % size]!;
  }
}
