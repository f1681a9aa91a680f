/**
 * The tiny benchmark harness behind `npm run bench`. A suite is a module in `bench/suites/`
 * whose default export is a {@link BenchSuite}; `bench/run.ts` discovers and runs them in one
 * process run and writes every result to `bench/results.json`.
 */

/** One measured figure. `eventsPerSecond` when the thing measured is a rate of events. */
export interface BenchResult {
  /** e.g. "simulator → file". */
  name: string;
  events?: number;
  seconds?: number;
  eventsPerSecond?: number;
  /** Peak resident set size (bytes) observed while this result was measured, when sampled. */
  peakRssBytes?: number;
  /** Ratios against other results of the same suite, e.g. `{ "b/a": 0.42 }`. */
  ratios?: Record<string, number>;
  /** Anything else worth recording (parameters, counts). */
  details?: Record<string, unknown>;
}

export interface BenchSuite {
  /** Short name used to select the suite: `npm run bench -- simulator`. */
  name: string;
  description: string;
  run(): Promise<BenchResult[]>;
}

/** Times `fn` and returns seconds elapsed (high-resolution). */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, value };
}

/** Samples this process's RSS every `intervalMs` until stopped; returns the peak seen. */
export function sampleRss(intervalMs = 50): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** events / seconds, rounded to whole events per second. */
export function rate(events: number, seconds: number): number {
  return seconds > 0 ? Math.round(events / seconds) : 0;
}
