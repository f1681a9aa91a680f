/**
 * The planner's own modelling assumptions and the billing rules it applies. Quotas and prices
 * come from AWS (`quotas.ts`, `prices.ts`); the figures here are either billing rules AWS states
 * on its pricing pages or choices of ours, each explained, so a reader can see exactly where the
 * model is an approximation.
 */
import { figure } from './figure.js';

/** Seconds in the planner's billing month: 30 days. */
export const MONTH_SECONDS = 30 * 86_400;

/** Bytes per billing chunk: EventBridge events and SQS requests are billed per 64 KB. */
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
    'messageId, receiptHandle, attributes, md5 and ARN that an SQS event source mapping adds around each message body in the batch it invokes the function with',
  ),
  executionRecordEnvelopeBytes: figure(
    200,
    'bytes per record',
    'src/processing/batch-starter.ts (this project)',
    'the batch starter passes each execution only messageId, the body and three attributes of each record',
  ),
  bodyEscapingFactor: figure(
    1.1,
    'factor',
    'model assumption',
    'the event travels as a JSON string inside the execution input: its quotes are escaped (about 10 % more for Genesys events)',
  ),
  startSyncOverheadMs: figure(
    50,
    'ms per execution',
    'model assumption',
    'a StartSyncExecution call beyond the execution itself (request, start, response), as the batch starter waits for it',
  ),
  starterMemoryMb: figure(
    256,
    'MB',
    'infra/lib/functions.ts (this project)',
    'the batch starter is billed for the whole time it waits for its executions, at this memory',
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
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html',
    'at low traffic Lambda scales back to five concurrent batches; the further optimisation to two is "not available when you enable the maximum concurrency setting": a floor on receive requests',
  ),
  longPollSeconds: figure(
    20,
    's',
    'model assumption',
    'Lambda uses long polling on an SQS event source; the wait it uses is not documented, the SQS maximum (20 s) is assumed',
  ),
  idempotencyWritesPerEvent: figure(
    2,
    'writes',
    'src/processing/processor.ts (this project; measured: test/plan/measured-costs.test.ts)',
    'Powertools idempotency: a conditional put of the in-progress record and an update to completed — for the families whose projection cannot claim the event; none for conversation events',
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
    'src/processing/stores/dynamodb-conversation-store.ts (this project; measured: test/plan/measured-costs.test.ts)',
    'one conditional PutItem of the conversation fact per conversation event — the idempotency claim and the projection fact in one write; the figures are folded on read; reads on the happy path: none',
  ),
  appLogBytesPerExecution: figure(
    1_200,
    'bytes per execution',
    'src/functions (this project; measured: test/plan/measured-costs.test.ts)',
    "the buffered workflow's own log lines per execution at INFO: the validator's metrics (EMF), the batch reporter's metrics and its one 'Batch done' line; the processor writes nothing for a processed or duplicate event",
  ),
  appLogBytesPerBatch: figure(
    850,
    'bytes per batch',
    'src/functions/batch-starter.ts (this project; measured: test/plan/measured-costs.test.ts)',
    "the batch starter's metrics (EMF) and its one 'Batch started' line per batch",
  ),
  appLogBytesPerDirectEvent: figure(
    500,
    'bytes per event',
    'model assumption (two EMF lines of the size measured in buffered mode)',
    "direct mode, one execution per event: the validator's and the processor's metrics (EMF) — no batch reporter counts for them",
  ),
  agentStateWritesPerFact: figure(
    2,
    'writes',
    'src/processing/stores/dynamodb-projection-stores.ts (this project)',
    'agent state: a put of the fact and a conditional update of the current state (a failed condition is billed too); one fact per presence or routing status event',
  ),
  agentStateFactsPerActivityEvent: figure(
    2,
    'facts',
    'model assumption',
    'an activity event carries the routing status and the presence: two facts',
  ),
  agentStateItemBytes: figure(
    512,
    'bytes',
    'model assumption',
    'an agent-state fact or current-state item with its keys: one 1 KB write unit per write',
  ),
  auditItemBytes: figure(
    2_048,
    'bytes',
    'model assumption',
    'an audit entry keeps the whole audit message (property changes, names, ids): about 2 KB',
  ),
  auditIndexesPerEntry: figure(
    2,
    'indexes',
    'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html',
    "the audit table's indexes by user and by entity type: each write of an item in an index is billed on the index too",
  ),
  utterancesPerTranscriptionEvent: figure(
    2,
    'utterances',
    'model assumption',
    'a transcription event carries one to a few utterances; each is one conditional put',
  ),
  utteranceItemBytes: figure(
    768,
    'bytes',
    'model assumption',
    'one utterance (text, offsets, confidence, ids): one 1 KB write unit',
  ),
  genericIndexesPerEvent: figure(
    1,
    'indexes',
    'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html',
    "the generic event table's index by topic; the item holds the whole event (about --event-kb)",
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
  boundUtilisationTarget: figure(
    0.8,
    'fraction',
    'model assumption',
    'recommendations size the bound E × M so that the peak uses at most 80 % of it',
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
