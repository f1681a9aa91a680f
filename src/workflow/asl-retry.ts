/**
 * `Retry` and `Catch` of Task and Map states, compiled for the fast executor: which retrier or
 * catcher an error goes to, and how long a retrier waits.
 *
 * Semantics (AWS Step Functions, "Handling errors in Step Functions workflows"; the same in the
 * reference executor): retriers and catchers are tried in order, and the first whose
 * `ErrorEquals` matches decides — `States.ALL` matches any error, `States.TaskFailed` any error of
 * a Task state except `States.Timeout`. A retrier retries while its own count is below
 * `MaxAttempts` (default 3; 0: never); once used up, the error goes to `Catch`, not to a later
 * retrier. It waits `IntervalSeconds × BackoffRate^n` seconds before retry n + 1 (defaults 1 and
 * 2), at most `MaxDelaySeconds`, and with `JitterStrategy: FULL` a random time between 0 and that.
 * `States.ALL` must be alone in its `ErrorEquals` and in the last retrier (catcher).
 */
import type { AslCatcher, AslRetrier } from './asl.js';
import { compileResultPath } from './asl-paths.js';
import type { CompiledResultPath } from './asl-paths.js';
import { LocalExecutorConfigError } from './errors.js';

/** What a retrier or catcher matches. */
interface ErrorMatcher {
  readonly names: ReadonlySet<string>;
  readonly all: boolean;
  readonly taskFailed: boolean;
}

/** A compiled retrier. */
interface CompiledRetrier extends ErrorMatcher {
  readonly maxAttempts: number;
  readonly intervalSeconds: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number | undefined;
  readonly fullJitter: boolean;
}

/** A compiled catcher. */
interface CompiledCatcher extends ErrorMatcher {
  readonly resultPath: CompiledResultPath;
  readonly next: string;
}

/**
 * Whether a retrier or catcher matches an error.
 *
 * @param inTask the state is a Task (`States.TaskFailed` applies to Task states only).
 * @param timeout the error is the state's own `States.Timeout`.
 */
export function matchesError(matcher: ErrorMatcher, error: string, inTask: boolean, timeout: boolean): boolean {
  return matcher.all || matcher.names.has(error) || (matcher.taskFailed && inTask && !timeout);
}

/**
 * The pause before the retry that follows `attempt` earlier retries of this retrier, in ms:
 * `pauseMs` when given (tests; capped by `MaxDelaySeconds`, no jitter), else the backoff.
 *
 * @example
 * retryDelayMs({ intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 10, fullJitter: false, … }, 3, undefined) // → 8000
 */
export function retryDelayMs(
  retrier: Pick<CompiledRetrier, 'intervalSeconds' | 'backoffRate' | 'maxDelaySeconds' | 'fullJitter'>,
  attempt: number,
  pauseMs: number | undefined,
  random: () => number = Math.random,
): number {
  const max = retrier.maxDelaySeconds;
  if (pauseMs !== undefined) return max !== undefined && pauseMs > max * 1000 ? max * 1000 : pauseMs;
  let seconds = retrier.intervalSeconds * retrier.backoffRate ** attempt;
  if (max !== undefined && seconds > max) seconds = max;
  const ms = seconds * 1000;
  return retrier.fullJitter ? Math.floor(random() * (ms + 1)) : ms;
}

/** Compiles a state's `Retry` (absent: none). */
export function compileRetriers(retry: AslRetrier[] | undefined, where: string): CompiledRetrier[] {
  if (retry === undefined) return [];
  if (!Array.isArray(retry)) throw new LocalExecutorConfigError(`${where}: Retry must be an array.`);
  return retry.map((r, i) => {
    const w = `${where} Retry[${i}]`;
    for (const key of Object.keys(r)) {
      if (
        ![
          'ErrorEquals',
          'IntervalSeconds',
          'MaxAttempts',
          'BackoffRate',
          'MaxDelaySeconds',
          'JitterStrategy',
          'Comment',
        ].includes(key)
      ) {
        throw new LocalExecutorConfigError(
          `${w}: field "${key}" is not supported by the fast executor; use the reference executor (LocalWorkflowExecutor).`,
        );
      }
    }
    const maxAttempts = r.MaxAttempts ?? 3;
    const intervalSeconds = r.IntervalSeconds ?? 1;
    const backoffRate = r.BackoffRate ?? 2;
    if (!(Number.isInteger(maxAttempts) && maxAttempts >= 0))
      throw new LocalExecutorConfigError(`${w}: MaxAttempts must be an integer ≥ 0.`);
    if (!(Number.isInteger(intervalSeconds) && intervalSeconds >= 1))
      throw new LocalExecutorConfigError(`${w}: IntervalSeconds must be an integer ≥ 1.`);
    if (!(Number.isFinite(backoffRate) && backoffRate >= 1))
      throw new LocalExecutorConfigError(`${w}: BackoffRate must be a number ≥ 1.`);
    if (r.MaxDelaySeconds !== undefined && !(Number.isInteger(r.MaxDelaySeconds) && r.MaxDelaySeconds >= 1))
      throw new LocalExecutorConfigError(`${w}: MaxDelaySeconds must be an integer ≥ 1.`);
    if (r.JitterStrategy !== undefined && r.JitterStrategy !== 'FULL' && r.JitterStrategy !== 'NONE')
      throw new LocalExecutorConfigError(`${w}: JitterStrategy must be "FULL" or "NONE".`);
    return {
      ...compileErrorEquals(r.ErrorEquals, w, i === retry.length - 1),
      maxAttempts,
      intervalSeconds,
      backoffRate,
      maxDelaySeconds: r.MaxDelaySeconds,
      fullJitter: r.JitterStrategy === 'FULL',
    };
  });
}

/** Compiles a state's `Catch` (absent: none). */
export function compileCatchers(catchers: AslCatcher[] | undefined, where: string): CompiledCatcher[] {
  if (catchers === undefined) return [];
  if (!Array.isArray(catchers)) throw new LocalExecutorConfigError(`${where}: Catch must be an array.`);
  return catchers.map((c, i) => {
    const w = `${where} Catch[${i}]`;
    for (const key of Object.keys(c)) {
      if (!['ErrorEquals', 'Next', 'ResultPath', 'Comment'].includes(key)) {
        throw new LocalExecutorConfigError(
          `${w}: field "${key}" is not supported by the fast executor; use the reference executor (LocalWorkflowExecutor).`,
        );
      }
    }
    if (typeof c.Next !== 'string') throw new LocalExecutorConfigError(`${w} has no Next.`);
    return {
      ...compileErrorEquals(c.ErrorEquals, w, i === catchers.length - 1),
      resultPath: compileResultPath(c.ResultPath, w),
      next: c.Next,
    };
  });
}

function compileErrorEquals(list: unknown, where: string, last: boolean): ErrorMatcher {
  if (!Array.isArray(list) || list.length === 0 || !list.every((e) => typeof e === 'string')) {
    throw new LocalExecutorConfigError(`${where}: ErrorEquals must be a non-empty array of error names.`);
  }
  const all = list.includes('States.ALL');
  if (all && (list.length !== 1 || !last)) {
    throw new LocalExecutorConfigError(
      `${where}: "States.ALL" must be alone in its ErrorEquals and in the last entry (Step Functions rejects the definition otherwise).`,
    );
  }
  return { names: new Set(list as string[]), all, taskFailed: list.includes('States.TaskFailed') };
}
