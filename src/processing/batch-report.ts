/**
 * The batch reporter: the last step of the buffered workflow. It counts the outcomes and builds
 * the response EventBridge Pipes reads from a synchronous Step Functions target:
 * `{ batchItemFailures: [{ itemIdentifier: <SQS messageId> }] }` — those records return to the
 * queue and are delivered again; every other record of the batch is deleted.
 *
 * A record whose processing failed for good is handed back to the queue, except on its last
 * delivery (`receiveCount ≥ maxReceiveCount`, the queue's redrive setting): then it is
 * dead-lettered here with the error and cause, instead of being moved to the queue's DLQ without
 * a reason.
 */
import { parseGenesysEvent } from '../events/index.js';
import type { JsonValue } from '../contract/index.js';
import { noopLogger } from './logger.js';
import type { ProcessingLogger } from './logger.js';
import type { ProcessStatus } from './processor.js';
import { deadLetterEntry } from './stores/dead-letter.js';
import type { DeadLetterStore } from './stores/dead-letter.js';

/** The outcome of one Map iteration: the processor's result, or the failure record its Catch built. */
export type ItemOutcome =
  | { messageId: string; status: ProcessStatus }
  | { messageId: string; status: 'failed'; receiveCount?: number; error: string; cause: string; event: JsonValue };

/** Input of the batch reporter. */
export interface BatchReportRequest {
  invalid: number;
  outcomes: ItemOutcome[];
}

/** The execution output: the Pipes partial-batch-failure shape plus counts. */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
  /** Events processed now. */
  processed: number;
  /** Events already processed before (replays). */
  duplicates: number;
  /** Invalid events (dead-lettered by the validator). */
  invalid: number;
  /** Events that failed processing: dead-lettered, or returned to the queue for another delivery. */
  failed: number;
}

/** Options of {@link createBatchReporter}. */
export interface BatchReporterOptions {
  /** Needed to dead-letter failures on their last delivery. */
  deadLetters?: DeadLetterStore;
  /** The source queue's `maxReceiveCount`; unset: failures always return to the queue. */
  maxReceiveCount?: number;
  logger?: ProcessingLogger;
}

/**
 * Creates the batch reporter.
 *
 * @example
 * const reporter = createBatchReporter({ deadLetters, maxReceiveCount: 5 });
 * const response = await reporter.report({ invalid: 1, outcomes }); // → { batchItemFailures, processed, … }
 */
export function createBatchReporter(options: BatchReporterOptions = {}): {
  report(request: BatchReportRequest): Promise<BatchResponse>;
} {
  const logger = options.logger ?? noopLogger;
  const max = options.maxReceiveCount;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    throw new RangeError(
      `maxReceiveCount must be a positive integer (the source queue's redrive maxReceiveCount), got ${String(max)}.`,
    );
  }
  if (max !== undefined && !options.deadLetters)
    throw new RangeError('maxReceiveCount needs a dead-letter store to write the last failures to.');
  return {
    async report(request: BatchReportRequest): Promise<BatchResponse> {
      const response: BatchResponse = {
        batchItemFailures: [],
        processed: 0,
        duplicates: 0,
        invalid: Number(request.invalid) || 0,
        failed: 0,
      };
      for (const outcome of request.outcomes ?? []) {
        switch (outcome.status) {
          case 'processed':
            response.processed++;
            break;
          case 'duplicate':
            response.duplicates++;
            break;
          case 'dead-lettered':
            response.failed++;
            break;
          case 'failed': {
            response.failed++;
            const lastDelivery = max !== undefined && (outcome.receiveCount ?? 1) >= max;
            if (lastDelivery && options.deadLetters) {
              const entry = deadLetterEntry({
                stage: 'process',
                reason: `Processing failed on the last delivery (${outcome.receiveCount ?? 1} of ${max}) after the state machine's retries: ${reasonOf(outcome.error, outcome.cause)}`,
                errorName: outcome.error,
                body: outcome.event,
                messageId: outcome.messageId,
                receiveCount: outcome.receiveCount ?? 1,
                ...eventIds(outcome.event),
              });
              await options.deadLetters.put(entry);
              logger.error('Failed event dead-lettered on its last delivery', {
                messageId: outcome.messageId,
                deadLetterId: entry.id,
              });
            } else {
              response.batchItemFailures.push({ itemIdentifier: outcome.messageId });
            }
            break;
          }
          default:
            throw new RangeError(
              `Unknown outcome status ${JSON.stringify((outcome as { status?: unknown }).status)} for message ${(outcome as { messageId?: unknown }).messageId as string}.`,
            );
        }
      }
      return response;
    },
  };
}

/**
 * A one-line reason from a Step Functions error and cause. For Lambda errors the cause is the
 * `{"errorType","errorMessage","trace"}` JSON; then the reason is `errorType: errorMessage`.
 */
export function reasonOf(error: string, cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorType?: unknown; errorMessage?: unknown };
    if (parsed && typeof parsed.errorMessage === 'string')
      return `${typeof parsed.errorType === 'string' ? parsed.errorType : error}: ${parsed.errorMessage}`;
  } catch {
    // not JSON: use the text as it is
  }
  const text = typeof cause === 'string' && cause ? cause : 'no cause given';
  return `${error}: ${text.length > 1000 ? `${text.slice(0, 997)}...` : text}`;
}

/** Key, topic and conversation of an event value, when it parses as a Genesys event. */
export function eventIds(event: unknown): { eventKey?: string; topic?: string; conversationId?: string } {
  const parsed = parseGenesysEvent((event ?? null) as object);
  if (parsed.ok) {
    const { key, genericTopic } = parsed.event;
    return parsed.event.kind === 'conversation'
      ? { eventKey: key, topic: genericTopic, conversationId: parsed.event.conversationId }
      : { eventKey: key, topic: genericTopic };
  }
  const e = event as { 'detail-type'?: unknown; detail?: { eventBody?: { conversationId?: unknown } } } | null;
  const ids: { topic?: string; conversationId?: string } = {};
  if (e && typeof e['detail-type'] === 'string') ids.topic = e['detail-type'];
  const conversationId = e?.detail?.eventBody?.conversationId;
  if (typeof conversationId === 'string') ids.conversationId = conversationId;
  return ids;
}
