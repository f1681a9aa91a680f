/**
 * The planner's own modelling assumptions and the billing rules it applies. Quotas and prices
 * come from AWS (`quotas.ts`, `prices.ts`); the figures here are either billing rules AWS states
 * on its pricing pages or choices of ours, each explained, so a reader can see exactly where the
 * model is an approximation.
 */
import { figure } from './figure.js';

/** Seconds in the planner's billing month: 30 days. */
export const MONTH_SECONDS = 30 * 86_400;

/** Bytes per billing chunk: EventBridge events, SQS and Pipes requests are billed per 64 KB. */
const BILLING_CHUNK_BYTES = 64 * 1024;

/** Number of 64 KB billing chunks a payload of `bytes` counts as (at least one). */
export function billingChunks(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / BILLING_CHUNK_BYTES));
}

/** The model's assumptions, as sourced figures (listed in `--json` output and docs/capacity.md). */
export const ASSUMPTIONS = {
  monthSeconds: figure(MONTH_SECONDS, 's', 'model assumption', 'a 30-day month'),
  sqsRecordEnvelopeBytes: figure(
    1_024,
    'bytes per record',
    'model assumption',
    'messageId, receiptHandle, attributes, md5 and ARN that Pipes adds around each SQS message body in the batch it sends to Step Functions',
  ),
  expressBilledMemoryMb: figure(
    64,
    'MB',
    'https://aws.amazon.com/step-functions/pricing/',
    'Express memory is billed in 64 MB chunks; a batch of at most 256 KiB is assumed to fit in the first chunk',
  ),
  expressDurationRoundingMs: figure(
    100,
    'ms',
    'https://aws.amazon.com/step-functions/pricing/',
    'Express duration is rounded up to the nearest 100 ms',
  ),
  idlePollers: figure(
    5,
    'pollers',
    'model assumption',
    'an idle SQS-source pipe long-polls with the five initial pollers, 20 s per ReceiveMessage: a floor on receive requests',
  ),
  longPollSeconds: figure(
    20,
    's',
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html',
    'maximum long-polling wait',
  ),
  idempotencyWritesPerEvent: figure(
    2,
    'writes',
    'model assumption',
    'Powertools idempotency: a conditional put of the in-progress record and an update to completed',
  ),
  idempotencyItemBytes: figure(
    512,
    'bytes',
    'model assumption',
    "an idempotency record (key, status, expiries, outcome) with DynamoDB's 100-byte item overhead: one 1 KB write unit per write",
  ),
  idempotencyExpirySeconds: figure(
    604_800,
    's',
    'infra/lib/config.ts (this project)',
    'the construct keeps idempotency records 7 days by default: longer than the 4 days Genesys re-sends',
  ),
  projectionWritesPerEvent: figure(
    1,
    'writes',
    'model assumption',
    'one UpdateItem of the conversation projection per event; reads on the happy path: none',
  ),
  directStateTransitions: figure(
    3,
    'transitions per execution',
    'src/workflow/definition.ts (this project)',
    'direct mode state machine Validate (Task) → CheckValid (Choice) → Process (Task); each retry adds one',
  ),
  concurrencyHeadroom: figure(
    1.2,
    'factor',
    'model assumption',
    "reserved concurrency recommended at 1.2 × the Little's-law demand at peak",
  ),
  latencyBudget: figure(
    0.5,
    'fraction of the target latency',
    'model assumption',
    'recommendations fit the steady-state path (batch fill + execution) in half the target, leaving the rest for cold starts and retries',
  ),
  pipeUtilisationTarget: figure(
    0.8,
    'fraction',
    'model assumption',
    'recommendations keep pipe concurrency at or below 80 % of its quota',
  ),
  retryBaseDelaySeconds: figure(
    1,
    's',
    'model assumption',
    'EventBridge documents exponential backoff with jitter, not its delays: the model doubles from 1 s',
  ),
  delayedThresholdSeconds: figure(
    60,
    's',
    'model assumption',
    'an event is "delayed" when it completes more than a minute after it reached the bus',
  ),
} as const;

/**
 * The cap on EventBridge's retry delay the model uses: the delay at which the documented default
 * policy (185 retries within 24 hours) is consistent with full-jitter exponential backoff from
 * {@link ASSUMPTIONS.retryBaseDelaySeconds}, i.e. the mean schedule of 185 retries spans 24 h.
 *
 * @example
 * Math.round(eventBridgeRetryCapSeconds()) // 982
 */
export function eventBridgeRetryCapSeconds(attempts = 185, maxAgeSeconds = 86_400, baseSeconds = 1): number {
  // Mean wait before retry k is D_k / 2 (full jitter), D_k = min(base·2^(k−1), cap).
  // Find cap so that Σ_{k=1..attempts} D_k = 2 · maxAge.
  const target = 2 * maxAgeSeconds;
  let doubled = 0;
  for (let k = 1; k <= attempts; k++) {
    const delay = baseSeconds * 2 ** (k - 1);
    const remaining = attempts - k + 1;
    // If every remaining retry waited `delay`, would the schedule already reach the target?
    if (doubled + remaining * delay >= target) return (target - doubled) / remaining;
    doubled += delay;
  }
  return baseSeconds * 2 ** (attempts - 1);
}
