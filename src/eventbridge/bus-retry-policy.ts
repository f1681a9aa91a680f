/**
 * A target's retry policy (EventBridge `RetryPolicy`) and the backoff between attempts (pure).
 * EventBridge retries "with an exponential back off and jitter" and stops at whichever limit
 * comes first: `MaximumRetryAttempts` retries after the first attempt, or the event being
 * `MaximumEventAgeInSeconds` old (counted from when the bus accepted it).
 */
import { EventBridgeValidationException } from './errors.js';

/** EventBridge's `RetryPolicy` of a target. */
export interface RetryPolicy {
  /** Retries after the first attempt, 0–185. Default 185. */
  MaximumRetryAttempts?: number;
  /** Longest time to keep trying, 60–86,400 seconds. Default 86,400 (24 h). */
  MaximumEventAgeInSeconds?: number;
}

/** A retry policy with its defaults filled in. */
export type ResolvedRetryPolicy = Required<RetryPolicy>;

/** EventBridge's bounds and defaults. */
const RETRY_POLICY_LIMITS = {
  MaximumRetryAttempts: { min: 0, max: 185, default: 185 },
  MaximumEventAgeInSeconds: { min: 60, max: 86_400, default: 86_400 },
} as const;

/** Validates a target's retry policy and fills in the defaults. */
export function resolveRetryPolicy(targetId: string, policy: RetryPolicy = {}): ResolvedRetryPolicy {
  const check = (field: keyof RetryPolicy): number => {
    const limits = RETRY_POLICY_LIMITS[field];
    const value = policy[field] ?? limits.default;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < limits.min || value > limits.max) {
      throw new EventBridgeValidationException(
        `RetryPolicy.${field} of target ${targetId} must be a whole number from ${limits.min} to ${limits.max}; got ${JSON.stringify(value)}.`,
      );
    }
    return value;
  };
  return {
    MaximumRetryAttempts: check('MaximumRetryAttempts'),
    MaximumEventAgeInSeconds: check('MaximumEventAgeInSeconds'),
  };
}

/** How long to wait between delivery attempts. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter (ms). Default 1000. */
  baseDelayMs?: number;
  /** Longest delay between two attempts (ms). Default 300,000 (5 min). */
  maxDelayMs?: number;
}

/**
 * The delay before retry number `retry` (1 = first retry): exponential (`base × 2^(retry−1)`,
 * capped at `maxDelayMs`) with "equal jitter" — half fixed, half random — so that a burst of
 * failures does not retry in lockstep and no retry comes back immediately.
 */
export function retryDelayMs(retry: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseDelayMs ?? 1000;
  const cap = options.maxDelayMs ?? 300_000;
  const exponential = Math.min(cap, base * 2 ** Math.min(Math.max(retry - 1, 0), 30));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
