/**
 * A per-second rate over a sliding time window: counts go into fixed-width time buckets in a
 * ring, and the rate is the sum of the buckets inside the window divided by the time they span.
 * Adding is O(1) and allocation-free, so it can run for every event at tens of thousands of
 * events per second.
 */
import type { MonotonicClock } from './clock.js';
import { TelemetryArgumentError } from './errors.js';

/** Options of a {@link SlidingRate}. */
interface SlidingRateOptions {
  /** How far back the rate looks, in milliseconds. Default 5,000. */
  windowMs?: number;
  /** Width of one bucket, in milliseconds; `windowMs` must be a multiple of it. Default 250. */
  bucketMs?: number;
}

/**
 * Events per second over the last `windowMs` (default 5 s), updated continuously.
 *
 * The window is the current (partial) bucket plus the `windowMs / bucketMs - 1` buckets before
 * it, so its length is between `windowMs - bucketMs` and `windowMs`; the rate divides by that
 * exact span. Right after creation the span is the time since creation, so a fresh counter does
 * not under-report.
 *
 * @example
 * let now = 0;
 * const rate = new SlidingRate(() => now);
 * rate.add(500);
 * now = 1000;
 * rate.perSecond(); // 500
 */
export class SlidingRate {
  /** The window length in milliseconds. */
  readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly buckets: Float64Array;
  private readonly startedAt: number;
  /** Absolute index (`floor(time / bucketMs)`) of the newest bucket. */
  private newest: number;

  constructor(
    private readonly clock: MonotonicClock,
    options: SlidingRateOptions = {},
  ) {
    const windowMs = options.windowMs ?? 5_000;
    const bucketMs = options.bucketMs ?? 250;
    if (!(bucketMs > 0) || !(windowMs >= bucketMs) || !Number.isInteger(windowMs / bucketMs)) {
      throw new TelemetryArgumentError(
        `SlidingRate: windowMs (${windowMs}) must be a positive multiple of bucketMs (${bucketMs}); e.g. windowMs 5000 with bucketMs 250.`,
      );
    }
    this.windowMs = windowMs;
    this.bucketMs = bucketMs;
    this.buckets = new Float64Array(windowMs / bucketMs);
    this.startedAt = clock();
    this.newest = Math.floor(this.startedAt / bucketMs);
  }

  /** Counts `count` occurrences now. */
  add(count: number): void {
    this.advance(this.clock());
    this.buckets[this.newest % this.buckets.length]! += count;
  }

  /** Occurrences per second over the window ending now (0 before any time has passed). */
  perSecond(): number {
    const now = this.clock();
    this.advance(now);
    let total = 0;
    for (let i = 0; i < this.buckets.length; i++) total += this.buckets[i]!;
    const oldestStart = (this.newest - this.buckets.length + 1) * this.bucketMs;
    const spanMs = now - Math.max(oldestStart, this.startedAt);
    return spanMs > 0 ? (total * 1000) / spanMs : 0;
  }

  /** Moves the ring forward to the bucket of `now`, zeroing the buckets that fell out. */
  private advance(now: number): void {
    const current = Math.floor(now / this.bucketMs);
    if (current <= this.newest) return;
    const size = this.buckets.length;
    const steps = Math.min(current - this.newest, size);
    for (let i = 1; i <= steps; i++) this.buckets[(this.newest + i) % size] = 0;
    this.newest = current;
  }
}
