/**
 * How long one execution of the buffered definition can run at worst, from its retriers and
 * task timeout — what must fit in the 5 minutes of an Express execution (Step Functions service
 * quotas) and in the batch starter's Lambda timeout.
 *
 * Every attempt of a task is counted as taking up to the task's `TimeoutSeconds` (a throttled
 * invoke usually fails at once, but `Lambda.ClientExecutionTimeoutException` need not), and
 * every retry waits its whole backoff (full jitter waits at most that):
 *
 * ```text
 * task (throttle retrier only)   = (1 + A_throttle) × T + B_throttle
 * Process (both retriers)        = (1 + A_throttle + A_transient) × T + B_throttle + B_transient
 * execution of n events          = Validate + ⌈n / M⌉ × Process + ReportBatch
 * B = Σ_{k < A} min(IntervalSeconds × BackoffRate^k, MaxDelaySeconds)
 * ```
 *
 * ⌈n / M⌉: the Map starts an item whenever one of its M slots frees, so n items whose every
 * attempt takes the worst case finish within ⌈n / M⌉ of those worst cases.
 */
import { resolveWorkflowOptions } from './definition.js';
import type { WorkflowRetry, WorkflowOptions } from './definition.js';

/** The longest an Express execution runs (Step Functions service quotas: 5 minutes). */
export const EXPRESS_MAX_DURATION_SECONDS = 300;

/** The worst cases of one execution, seconds. */
export interface ExecutionTimeBudget {
  /** One Validate or ReportBatch task, with its throttle retries. */
  perBatchTaskSeconds: number;
  /** One Process task, with both retriers. */
  processSeconds: number;
  /** Sequential worst cases of Process in an execution of `events` events: ⌈events / M⌉. */
  waves: number;
  /** The whole execution: 2 × perBatchTaskSeconds + waves × processSeconds. */
  executionSeconds: number;
}

/** The longest all retries of a retrier wait, seconds: Σ_{k < MaxAttempts} min(interval × rate^k, max delay). */
export function retryBackoffSeconds(policy: Required<WorkflowRetry>): number {
  let total = 0;
  for (let k = 0; k < policy.maxAttempts; k++)
    total += Math.min(policy.intervalSeconds * policy.backoffRate ** k, policy.maxDelaySeconds);
  return total;
}

/**
 * The worst-case duration of one buffered execution over `events` events.
 *
 * @example
 * // T = 15 s, throttle retries 3 (≤ 7 s of backoff), transient retries 2 (≤ 3 s), M = 25:
 * executionTimeBudget({ mode: 'buffered', maxConcurrency: 25, taskTimeoutSeconds: 15 }, 25)
 * // → { perBatchTaskSeconds: 67, processSeconds: 100, waves: 1, executionSeconds: 234 }
 */
export function executionTimeBudget(options: WorkflowOptions, events: number): ExecutionTimeBudget {
  const r = resolveWorkflowOptions(options);
  const t = r.taskTimeoutSeconds;
  const perBatchTaskSeconds = (1 + r.throttleRetry.maxAttempts) * t + retryBackoffSeconds(r.throttleRetry);
  const processSeconds =
    (1 + r.throttleRetry.maxAttempts + r.retry.maxAttempts) * t +
    retryBackoffSeconds(r.throttleRetry) +
    retryBackoffSeconds(r.retry);
  const waves = Math.ceil(Math.max(0, events) / r.maxConcurrency);
  return {
    perBatchTaskSeconds,
    processSeconds,
    waves,
    executionSeconds: 2 * perBatchTaskSeconds + waves * processSeconds,
  };
}

/**
 * The most events one execution may carry and still fit `limitSeconds` at worst (0 when not
 * even one fits): M × the waves that fit.
 *
 * @example
 * maxEventsWithinBudget({ mode: 'buffered', maxConcurrency: 25, taskTimeoutSeconds: 15 }) // → 25
 */
export function maxEventsWithinBudget(options: WorkflowOptions, limitSeconds = EXPRESS_MAX_DURATION_SECONDS): number {
  const { perBatchTaskSeconds, processSeconds } = executionTimeBudget(options, 0);
  const waves = Math.floor((limitSeconds - 2 * perBatchTaskSeconds) / processSeconds);
  return waves > 0 ? waves * resolveWorkflowOptions(options).maxConcurrency : 0;
}
