/**
 * Sizing a queue's dead-letter queue as a backstop. Every message returned to the queue — for a
 * throttle, a failure, or no time left — comes back once its visibility timeout has passed and
 * counts one more receive, so returns alone reach `maxReceiveCount` no sooner than
 * `maxReceiveCount × visibility timeout`. At a day or more, throttling in any realistic backlog
 * cannot move a message to the DLQ; the events the pipeline fails to process are dead-lettered
 * earlier, with their reason, by the processor's own failure count (`docs/capacity.md`).
 */

/** A message must be handed back continuously at least this long (24 h) before the DLQ may take it. */
export const MIN_SECONDS_TO_DLQ = 86_400;

/** SQS redrive policy: `maxReceiveCount` is 1–1,000. */
export const SQS_MAX_RECEIVE_COUNT = 1_000;

/**
 * The smallest `maxReceiveCount` that keeps a message out of the DLQ for {@link MIN_SECONDS_TO_DLQ}
 * of returns, at most 1,000.
 *
 * @example
 * backstopMaxReceiveCount(1494) // → 58: 58 × 1494 s ≈ 24.1 h
 * backstopMaxReceiveCount(30)   // → 1000 (the SQS maximum: 8.3 h at 30 s)
 */
export function backstopMaxReceiveCount(visibilityTimeoutSeconds: number): number {
  return Math.min(
    SQS_MAX_RECEIVE_COUNT,
    Math.max(1, Math.ceil(MIN_SECONDS_TO_DLQ / Math.max(1, visibilityTimeoutSeconds))),
  );
}
