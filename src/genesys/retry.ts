/**
 * The retry policy of every Genesys Cloud call: bounded attempts, a bounded total time,
 * exponential backoff with full jitter, and `Retry-After` honoured exactly.
 *
 * Written here rather than with cockatiel because the policy needs three things together that
 * cockatiel's RetryPolicy does not give in one piece: a delay taken from the failed response
 * (`Retry-After`), giving up *before* sleeping when that delay would overrun the time budget,
 * and injectable sleep/clock/random so tests run with real HTTP but no real waiting.
 */

/** Tuning of {@link withRetries}. All durations in milliseconds. */
export interface RetryOptions {
  /** Attempts in total, the first included. Default 6. */
  maxAttempts: number;
  /** Backoff before the second attempt is drawn from [0, baseDelayMs); it doubles per attempt. Default 500. */
  baseDelayMs: number;
  /** Cap of one backoff delay (before jitter). Default 20 000. */
  maxDelayMs: number;
  /** Total time budget of one call, waits included; no retry is started past it. Default 120 000. */
  maxElapsedMs: number;
}

/** Production defaults: up to 6 attempts within 2 minutes. */
export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxElapsedMs: 120_000,
});

/** How a failure is to be treated: retried (optionally after a server-given delay) or not. */
interface RetryDecision {
  retry: boolean;
  /** The server asked for this delay (`Retry-After`), in ms. */
  retryAfterMs?: number;
}

/** Reported before each retry (for progress messages). */
export interface RetryEvent {
  /** The attempt that failed (1-based). */
  attempt: number;
  maxAttempts: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  /** Why: the failure of the attempt. */
  error: unknown;
  /** The failure in words, e.g. `GET /api/v2/integrations answered 429` (filled in by the clients). */
  description?: string;
}

/** Clock, sleep and randomness, injectable for tests. */
export interface RetryDeps {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  onRetry?: (event: RetryEvent) => void;
}

/** Real time: `Date.now`, a timer-based abortable sleep, `Math.random`. */
export const realRetryDeps: RetryDeps = {
  now: () => Date.now(),
  sleep: abortableSleep,
  random: Math.random,
};

/**
 * The full-jitter backoff before attempt `attempt + 1`: a uniform draw from
 * [0, min(maxDelayMs, baseDelayMs · 2^(attempt-1))).
 *
 * @example
 * backoffDelay(1, DEFAULT_RETRY_OPTIONS, () => 0.5) // → 250
 * backoffDelay(3, DEFAULT_RETRY_OPTIONS, () => 0.5) // → 1000
 */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parses a `Retry-After` header: delta-seconds (`"42"`) or an HTTP date. Returns milliseconds,
 * or `undefined` when absent or unreadable.
 *
 * @example
 * parseRetryAfter('3') // → 3000
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Runs `attempt` until it succeeds, `classify` says a failure is final, the attempts are used
 * up, or the next wait would end past the time budget. The last failure is rethrown with the
 * number of attempts made available to `onGiveUp` (so errors can say "after 6 attempts").
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  classify: (error: unknown) => RetryDecision,
  options: RetryOptions,
  deps: RetryDeps,
  signal?: AbortSignal,
  onGiveUp?: (error: unknown, attempts: number) => unknown,
): Promise<T> {
  const startedAt = deps.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const decision = classify(error);
      const delayMs = decision.retryAfterMs ?? backoffDelay(n, options, deps.random);
      const elapsedAfterWait = deps.now() - startedAt + delayMs;
      if (!decision.retry || n >= options.maxAttempts || elapsedAfterWait > options.maxElapsedMs || signal?.aborted) {
        throw onGiveUp ? onGiveUp(error, n) : error;
      }
      deps.onRetry?.({ attempt: n, maxAttempts: options.maxAttempts, delayMs, error });
      await deps.sleep(delayMs, signal);
    }
  }
}

/** `deps` whose `onRetry` also gets a description of the failure. */
export function withDescription(deps: RetryDeps, describe: (error: unknown) => string): RetryDeps {
  const onRetry = deps.onRetry;
  return onRetry ? { ...deps, onRetry: (event) => onRetry({ ...event, description: describe(event.error) }) } : deps;
}

/** A sleep that ends early (rejecting with the signal's reason) when `signal` aborts. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
