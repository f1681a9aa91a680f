/**
 * The failure counter: how often processing an event has failed, per event key, across
 * deliveries. Only the processor's own failures are counted — never a Lambda throttle, which is
 * rejected before the processor runs — so a throttle can never bring an event closer to the
 * dead-letter store. The processor dead-letters an event on the attempt that reaches the limit
 * (`docs/processing.md`, "Failures and throttles").
 */

import { PIPELINE_DEFAULTS } from '../contract/index.js';

/** Counts failures per event key (a port: DynamoDB on AWS, SQLite locally). */
export interface FailureCounter {
  /** Adds one failure of `key` and returns the count, this one included. */
  increment(key: string): Promise<number>;
  /** Forgets `key`'s failures (after the event is dead-lettered, so a redrive starts afresh). */
  reset(key: string): Promise<void>;
}

/** Failures an event may have before the processor dead-letters it: 3 deliveries × 3 attempts. */
export const DEFAULT_MAX_PROCESSING_ATTEMPTS: number = PIPELINE_DEFAULTS.maxProcessingAttempts;

/**
 * How long a count is kept, seconds: 14 days, the longest an SQS message lives (a count outliving
 * every delivery of its event has no use).
 */
export const FAILURE_COUNT_EXPIRES_AFTER_SECONDS = 14 * 86_400;
