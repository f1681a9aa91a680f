/**
 * The pipeline's global concurrency bound, and how one number becomes its two factors.
 *
 * Work is pulled from the queue by an event source mapping that runs at most E batches at once
 * (Lambda `ScalingConfig.MaximumConcurrency`, 2–1,000); each batch is one execution at a time
 * whose Map runs at most M processor invocations at once (`MaxConcurrency`, at most 40 for an
 * inline Map). So the processor never runs more than E × M invocations, at any backlog, and
 * every per-batch function (validator, batch reporter, the batch starter on AWS) at most E.
 *
 * A user states the bound (`maxProcessorConcurrency`) or its factors; {@link resolveConcurrencyBound}
 * checks them and derives what is missing (one factor alone keeps the other's default). Sources: Lambda `API_ScalingConfig` (2–1,000); Step
 * Functions "Map state in Inline mode" (40 concurrent iterations). The same derivation serves
 * the CDK construct, the local runtime and the planner.
 */
import { PIPELINE_DEFAULTS } from '../contract/index.js';
import { MAX_INLINE_MAP_CONCURRENCY } from './definition.js';

/** `ScalingConfig.MaximumConcurrency` of an SQS event source mapping: 2–1,000 (Lambda API reference). */
export const EVENT_SOURCE_CONCURRENCY_LIMITS = { min: 2, max: 1_000 } as const;

/** The bound when none is given: 100 processor invocations at once (E = 4, M = 25). */
export const DEFAULT_MAX_PROCESSOR_CONCURRENCY: number = PIPELINE_DEFAULTS.maxProcessorConcurrency;

/** The bound and its factors. */
export interface ConcurrencyBound {
  /** E: batches in flight at once (the event source mapping's `MaximumConcurrency`; locally, the pollers). */
  eventSourceConcurrency: number;
  /** M: the Map's `MaxConcurrency`, processor invocations at once within one execution. */
  maxConcurrency: number;
  /** E × M: processor invocations at once across the whole pipeline, at most. */
  maxProcessorConcurrency: number;
}

/** What a caller may state: the bound, its factors, or any consistent mix. */
export interface ConcurrencyBoundInput {
  maxProcessorConcurrency?: number;
  eventSourceConcurrency?: number;
  maxConcurrency?: number;
}

/** How the caller names the three settings in its messages (props, context keys or CLI options). */
export interface ConcurrencyBoundNames {
  maxProcessorConcurrency: string;
  eventSourceConcurrency: string;
  maxConcurrency: string;
}

/** The names of the CDK construct's props. */
export const CONSTRUCT_BOUND_NAMES: ConcurrencyBoundNames = {
  maxProcessorConcurrency: 'maxProcessorConcurrency',
  eventSourceConcurrency: 'eventSourceConcurrency',
  maxConcurrency: 'maxConcurrency',
};

/**
 * The bound for `input`, or `undefined` after appending to `problems` one message per thing wrong
 * (what, which setting, what would work).
 *
 * With only the bound P, M is the largest divisor of P that is at most 40 and leaves E = P / M
 * within 2–1,000: a larger M runs fewer, shorter executions for the same bound (cheaper, and
 * faster to drain), and E × M = P exactly.
 *
 * @example
 * resolveConcurrencyBound({ maxProcessorConcurrency: 100 }, problems)
 * // → { eventSourceConcurrency: 4, maxConcurrency: 25, maxProcessorConcurrency: 100 }
 * resolveConcurrencyBound({ eventSourceConcurrency: 10, maxConcurrency: 10 }, problems)
 * // → { eventSourceConcurrency: 10, maxConcurrency: 10, maxProcessorConcurrency: 100 }
 */
export function resolveConcurrencyBound(
  input: ConcurrencyBoundInput,
  problems: string[],
  names: ConcurrencyBoundNames = CONSTRUCT_BOUND_NAMES,
): ConcurrencyBound | undefined {
  const { min, max } = EVENT_SOURCE_CONCURRENCY_LIMITS;
  const before = problems.length;
  const whole = (name: string, value: number | undefined, low: number, high: number, why: string): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < low || value > high))
      problems.push(`${name} is ${value}; it must be a whole number from ${low} to ${high} (${why}).`);
  };
  const { eventSourceConcurrency: e, maxConcurrency: m } = input;
  whole(names.eventSourceConcurrency, e, min, max, 'Lambda ScalingConfig.MaximumConcurrency of the SQS event source');
  whole(names.maxConcurrency, m, 1, MAX_INLINE_MAP_CONCURRENCY, 'an inline Map runs at most 40 iterations at once');
  const p = input.maxProcessorConcurrency ?? (e === undefined || m === undefined ? undefined : e * m);
  whole(
    names.maxProcessorConcurrency,
    p,
    min,
    max * MAX_INLINE_MAP_CONCURRENCY,
    `at least ${min} × 1, at most ${max} × ${MAX_INLINE_MAP_CONCURRENCY}`,
  );
  if (problems.length > before) return undefined;

  if (p === undefined && (e !== undefined || m !== undefined)) {
    // One factor alone: the other keeps its default (E = 4, M = 25).
    const defaults = factorBound(DEFAULT_MAX_PROCESSOR_CONCURRENCY)!;
    const ee = e ?? defaults.eventSourceConcurrency;
    const mm = m ?? defaults.maxConcurrency;
    return { eventSourceConcurrency: ee, maxConcurrency: mm, maxProcessorConcurrency: ee * mm };
  }
  const bound = p ?? DEFAULT_MAX_PROCESSOR_CONCURRENCY;
  if (e !== undefined && m !== undefined) {
    if (e * m !== bound) {
      problems.push(
        `${names.maxProcessorConcurrency} is ${bound} but ${names.eventSourceConcurrency} × ${names.maxConcurrency} = ${e} × ${m} = ${e * m}: give the bound or its two factors, not both.`,
      );
      return undefined;
    }
    return { eventSourceConcurrency: e, maxConcurrency: m, maxProcessorConcurrency: bound };
  }
  if (e !== undefined || m !== undefined) {
    const given = (e ?? m)!;
    const other = bound / given;
    const [otherName, low, high] =
      e !== undefined
        ? [names.maxConcurrency, 1, MAX_INLINE_MAP_CONCURRENCY]
        : [names.eventSourceConcurrency, min, max];
    if (!Number.isInteger(other) || other < low || other > high) {
      problems.push(
        `${names.maxProcessorConcurrency} ${bound} is not ${e !== undefined ? names.eventSourceConcurrency : names.maxConcurrency} ${given} × a whole ${otherName} from ${low} to ${high}; ${suggest(bound, names)}`,
      );
      return undefined;
    }
    return e !== undefined
      ? { eventSourceConcurrency: e, maxConcurrency: other, maxProcessorConcurrency: bound }
      : { eventSourceConcurrency: other, maxConcurrency: m!, maxProcessorConcurrency: bound };
  }
  const factors = factorBound(bound);
  if (!factors) {
    problems.push(
      `${names.maxProcessorConcurrency} ${bound} cannot be split into ${names.eventSourceConcurrency} (${min}–${max}) × ${names.maxConcurrency} (1–${MAX_INLINE_MAP_CONCURRENCY}); ${suggest(bound, names)}`,
    );
    return undefined;
  }
  return { ...factors, maxProcessorConcurrency: bound };
}

/** The factors of `bound` with the largest M ≤ 40 leaving E within 2–1,000, or `undefined`. */
export function factorBound(bound: number): Omit<ConcurrencyBound, 'maxProcessorConcurrency'> | undefined {
  const { min, max } = EVENT_SOURCE_CONCURRENCY_LIMITS;
  for (let m = Math.min(MAX_INLINE_MAP_CONCURRENCY, Math.floor(bound / min)); m >= 1; m--) {
    if (bound % m !== 0) continue;
    const e = bound / m;
    if (e >= min && e <= max) return { eventSourceConcurrency: e, maxConcurrency: m };
  }
  return undefined;
}

/**
 * Bounds near `bound` that split well (a Map of at least 10, or any split below 20), nearest
 * first, as `"96 (4 × 24)"`.
 *
 * @example
 * nearbyBounds(97) // → ['96 (3 × 32)', '98 (7 × 14)']
 */
export function nearbyBounds(bound: number, count = 2): string[] {
  const near: string[] = [];
  for (let d = 1; d <= 40 && near.length < count; d++) {
    for (const candidate of [bound - d, bound + d]) {
      const f = candidate >= 2 ? factorBound(candidate) : undefined;
      if (f && near.length < count && (f.maxConcurrency >= 10 || candidate < 20))
        near.push(`${candidate} (${f.eventSourceConcurrency} × ${f.maxConcurrency})`);
    }
  }
  return near;
}

function suggest(bound: number, names: ConcurrencyBoundNames): string {
  const near = nearbyBounds(bound);
  return near.length
    ? `use ${near.join(' or ')}, or give ${names.eventSourceConcurrency} and ${names.maxConcurrency} yourself.`
    : `give ${names.eventSourceConcurrency} and ${names.maxConcurrency} yourself.`;
}
