/**
 * The buffered topology's clocks, derived from one another and checked at synth time:
 *
 * ```text
 * execution budget  = worst case of one execution over a full batch (src/workflow time-budget)  ≤ 300 s (Express)
 * starter timeout   = ⌈execution budget⌉ + a margin for the starter's own work                  ≤ 900 s (Lambda)
 * visibility        ≥ starter timeout + batching window  (a batch in flight is never delivered twice)
 *                   default 6 × starter timeout          (AWS's advice for SQS event sources)
 * maxReceiveCount   × visibility ≥ 24 h                 (throttling alone cannot reach the DLQ)
 *                   × visibility ≤ queue retention      (the DLQ catches a looping message before SQS deletes it)
 * oldest-message alarm > visibility                     (a message handed back once does not trip it)
 * ```
 *
 * Sources: Step Functions service quotas (Express: 5 minutes); Lambda "Creating and configuring
 * an Amazon SQS event source mapping" (function timeout ≤ visibility timeout, checked by Lambda;
 * visibility "at least six times" the function timeout, so Lambda can retry a throttled
 * invocation); SQS redrive policy (maxReceiveCount 1–1,000). Every message returned to the
 * queue — for a throttle, a failure, or no time left — comes back once its visibility timeout
 * has passed and counts one more receive, so the time to reach `maxReceiveCount` by returns alone
 * is at least `maxReceiveCount × visibility`.
 */
import { backstopMaxReceiveCount, MIN_SECONDS_TO_DLQ, SQS_MAX_RECEIVE_COUNT } from '../../src/queue/backstop.js';
import { executionTimeBudget, EXPRESS_MAX_DURATION_SECONDS } from '../../src/workflow/index.js';
import type { WorkflowOptions } from '../../src/workflow/index.js';
import { maxEventsWithinBudget } from '../../src/workflow/time-budget.js';

/** Seconds the batch starter gets beyond the execution budget: chunking, SDK retries of a throttled start, answering. */
export const STARTER_MARGIN_SECONDS = 15;
/** Lambda's longest function timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** AWS: "set the source queue's visibility timeout to at least six times the timeout … on your function". */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** SQS VisibilityTimeout limit (12 h). */
export const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/** What the timing is derived from. */
export interface QueueTimingInput {
  workflow: WorkflowOptions;
  batchSize: number;
  batchWindowSeconds: number;
  queueRetentionSeconds: number;
  /** Given by the user, else derived. */
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  oldestMessageAgeAlarmSeconds?: number;
  /** Processor attempts before it dead-letters an event; each delivery makes 1 + retry.maxAttempts. */
  maxProcessingAttempts: number;
  /** The transient retries of one delivery (the workflow's `retry.maxAttempts`). */
  transientRetries: number;
}

/** The derived clocks. */
export interface QueueTiming {
  executionBudgetSeconds: number;
  starterTimeoutSeconds: number;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  oldestMessageAgeAlarmSeconds: number;
}

/**
 * Derives the clocks and appends to `problems` (fails synth) or `warnings` (printed) what does
 * not fit, each with the numbers.
 *
 * @example
 * resolveQueueTiming({ workflow: { mode: 'buffered', maxConcurrency: 25, taskTimeoutSeconds: 15 }, batchSize: 25, … }, p, w)
 * // → { executionBudgetSeconds: 234, starterTimeoutSeconds: 249, visibilityTimeoutSeconds: 1494, maxReceiveCount: 58, … }
 */
export function resolveQueueTiming(input: QueueTimingInput, problems: string[], warnings: string[]): QueueTiming {
  const budget = executionTimeBudget(input.workflow, input.batchSize);
  const executionBudgetSeconds = Math.ceil(budget.executionSeconds);
  if (budget.executionSeconds > EXPRESS_MAX_DURATION_SECONDS) {
    const fits = maxEventsWithinBudget(input.workflow);
    problems.push(
      `a batch of ${input.batchSize} events does not fit the ${EXPRESS_MAX_DURATION_SECONDS} s of an Express execution at worst: ` +
        `Validate + ⌈${input.batchSize} / maxConcurrency ${input.workflow.maxConcurrency}⌉ = ${budget.waves} × Process + ReportBatch = ` +
        `${budget.perBatchTaskSeconds} + ${budget.waves} × ${budget.processSeconds} + ${budget.perBatchTaskSeconds} = ${budget.executionSeconds} s ` +
        `(each task attempt up to its ${input.workflow.taskTimeoutSeconds} s timeout, every retry with its full backoff). ` +
        (fits > 0
          ? `Lower batchSize to at most ${fits}, raise maxConcurrency, or shorten functionTimeout or the retries.`
          : 'Not even one event fits: shorten functionTimeout or the retries.'),
    );
  }
  const starterTimeoutSeconds = executionBudgetSeconds + STARTER_MARGIN_SECONDS;
  if (starterTimeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
    problems.push(
      `the batch starter would need a ${starterTimeoutSeconds} s timeout (execution budget ${executionBudgetSeconds} s + ${STARTER_MARGIN_SECONDS} s); Lambda allows ${LAMBDA_MAX_TIMEOUT_SECONDS} s.`,
    );
  }

  const minVisibility = starterTimeoutSeconds + input.batchWindowSeconds;
  const visibilityTimeoutSeconds = input.visibilityTimeoutSeconds ?? VISIBILITY_TIMEOUT_FACTOR * starterTimeoutSeconds;
  if (visibilityTimeoutSeconds < minVisibility) {
    problems.push(
      `visibilityTimeout is ${visibilityTimeoutSeconds} s, shorter than the batching window and the batch starter's timeout (${input.batchWindowSeconds} + ${starterTimeoutSeconds} = ${minVisibility} s): ` +
        `a batch still in flight would be delivered again. Use at least ${minVisibility} s (AWS advises ${VISIBILITY_TIMEOUT_FACTOR} × the function timeout = ${VISIBILITY_TIMEOUT_FACTOR * starterTimeoutSeconds} s).`,
    );
  } else if (visibilityTimeoutSeconds > SQS_MAX_VISIBILITY_SECONDS) {
    problems.push(
      `visibilityTimeout is ${visibilityTimeoutSeconds} s; SQS allows at most ${SQS_MAX_VISIBILITY_SECONDS} s (12 h).`,
    );
  } else if (visibilityTimeoutSeconds < VISIBILITY_TIMEOUT_FACTOR * starterTimeoutSeconds) {
    warnings.push(
      `visibilityTimeout ${visibilityTimeoutSeconds} s is below the ${VISIBILITY_TIMEOUT_FACTOR} × ${starterTimeoutSeconds} s AWS advises for an SQS event source (room for Lambda to retry a throttled batch starter); ` +
        'without reserveConcurrency a throttled starter may see its batch delivered again (one more receive, not a failure).',
    );
  }

  const maxReceiveCount = input.maxReceiveCount ?? backstopMaxReceiveCount(visibilityTimeoutSeconds);
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > SQS_MAX_RECEIVE_COUNT) {
    problems.push(
      `maxReceiveCount is ${maxReceiveCount}; it must be a whole number from 1 to ${SQS_MAX_RECEIVE_COUNT} (SQS redrive policy).`,
    );
  } else {
    const toDlq = maxReceiveCount * visibilityTimeoutSeconds;
    if (toDlq < MIN_SECONDS_TO_DLQ) {
      problems.push(
        `maxReceiveCount ${maxReceiveCount} × visibilityTimeout ${visibilityTimeoutSeconds} s = ${hours(toDlq)}: a message handed back for throttling every time would reach the queue's DLQ after only ${hours(toDlq)}. ` +
          `The DLQ is a backstop; make it at least ${hours(MIN_SECONDS_TO_DLQ)}: maxReceiveCount ≥ ${Math.ceil(MIN_SECONDS_TO_DLQ / visibilityTimeoutSeconds)}.`,
      );
    }
    if (toDlq > input.queueRetentionSeconds) {
      problems.push(
        `maxReceiveCount ${maxReceiveCount} × visibilityTimeout ${visibilityTimeoutSeconds} s = ${hours(toDlq)}, longer than queueRetention (${hours(input.queueRetentionSeconds)}): ` +
          `a message that keeps coming back would expire before the DLQ takes it. Lower maxReceiveCount to at most ${Math.floor(input.queueRetentionSeconds / visibilityTimeoutSeconds)} or keep messages longer.`,
      );
    }
    const deliveriesToDeadLetter = Math.ceil(input.maxProcessingAttempts / (1 + input.transientRetries));
    if (deliveriesToDeadLetter >= maxReceiveCount) {
      problems.push(
        `maxProcessingAttempts ${input.maxProcessingAttempts} takes ${deliveriesToDeadLetter} deliveries (${1 + input.transientRetries} attempts each), not fewer than maxReceiveCount ${maxReceiveCount}: ` +
          'a failing event would reach the queue DLQ without its reason instead of the dead-letter table. Lower maxProcessingAttempts or raise maxReceiveCount.',
      );
    }
  }

  const oldestMessageAgeAlarmSeconds = input.oldestMessageAgeAlarmSeconds ?? 2 * visibilityTimeoutSeconds;
  if (oldestMessageAgeAlarmSeconds <= visibilityTimeoutSeconds) {
    problems.push(
      `oldestMessageAgeAlarmThreshold is ${oldestMessageAgeAlarmSeconds} s, not above visibilityTimeout (${visibilityTimeoutSeconds} s): every message handed back once would trip it. Use more than ${visibilityTimeoutSeconds} s (default 2 × visibilityTimeout).`,
    );
  }
  return {
    executionBudgetSeconds,
    starterTimeoutSeconds,
    visibilityTimeoutSeconds,
    maxReceiveCount,
    oldestMessageAgeAlarmSeconds,
  };
}

function hours(seconds: number): string {
  return seconds >= 3600 ? `${(seconds / 3600).toFixed(1).replace(/\.0$/, '')} h` : `${Math.round(seconds / 60)} min`;
}
