/**
 * The clock telemetry reads. Windows and rates need a monotonic clock (one that never jumps back
 * when the system time is corrected), so the default is `performance.now()`; tests inject their
 * own to move time without sleeping.
 */

/**
 * A monotonic clock: non-negative milliseconds since an arbitrary origin, never decreasing.
 *
 * @example
 * let now = 0;
 * const clock: MonotonicClock = () => now; // a test clock; advance with `now += 1000`
 */
export type MonotonicClock = () => number;

/** `performance.now()`: milliseconds since the process started, monotonic, sub-millisecond. */
export const performanceClock: MonotonicClock = () => performance.now();
