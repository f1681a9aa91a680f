/**
 * Pacing: lets items through at a steady rate (items per second), for `simulate --rate` and the
 * PutEvents sender. The clock is a port so tests can drive time by hand.
 */

/** Time source and sleeper. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock (`performance.now`, `setTimeout`). */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Schedules item k at `start + k / rate` (the first item passes at once). A rate of 0 (or
 * `Infinity`) means no pacing.
 *
 * @example
 * const pacer = new Pacer(100); // 100 items/s
 * for (const item of items) {
 *   const wait = pacer.next();
 *   if (wait > 0) await systemClock.sleep(wait);
 *   send(item);
 * }
 */
export class Pacer {
  private start: number | undefined;
  private count = 0;
  private readonly intervalMs: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(ratePerSecond >= 0)) throw new RangeError(`rate must be ≥ 0 items per second, got ${ratePerSecond}`);
    this.intervalMs = ratePerSecond > 0 && Number.isFinite(ratePerSecond) ? 1000 / ratePerSecond : 0;
  }

  /** True when the pacer never waits. */
  get unpaced(): boolean {
    return this.intervalMs === 0;
  }

  /** Claims the next slot; returns how many ms to wait before the item may pass (0: now). */
  next(): number {
    if (this.intervalMs === 0) return 0;
    const now = this.clock.now();
    this.start ??= now;
    const due = this.start + this.count * this.intervalMs;
    this.count += 1;
    return due > now ? due - now : 0;
  }
}
