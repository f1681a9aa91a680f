/**
 * The batch reporter: the last step of the buffered workflow. It counts the Map's outcomes and
 * builds the partial-batch response an SQS event source mapping reads (`ReportBatchItemFailures`),
 * which the batch starter returns to it (locally, the event source mapping's pollers read it):
 * `{ batchItemFailures: [{ itemIdentifier: <SQS messageId> }] }` — those records return to the
 * queue and are delivered again; every other record of the batch is deleted.
 *
 * Handed back: `throttled` events (Lambda throttled the processor past the state machine's
 * retries: never a failure) and `failed` ones (the processor failed past its retries and has not
 * reached its failure limit). Events the processor dead-lettered itself — a permanent error, or
 * the attempt that reached the limit — are done.
 */
import { parseGenesysEvent } from '../events/index.js';
import type { ProcessStatus } from './processor.js';

/** The outcome of one Map iteration: the processor's result, or what a Catch made of its error. */
export type ItemOutcome =
  | { messageId: string; status: ProcessStatus }
  | { messageId: string; status: 'throttled'; error: string }
  | { messageId: string; status: 'failed'; error: string; cause?: string };

/** Input of the batch reporter. */
export interface BatchReportRequest {
  invalid: number;
  outcomes: ItemOutcome[];
}

/** The execution output: the partial-batch-failure shape plus counts. */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
  /** Events processed now. */
  processed: number;
  /** Events already processed before (replays). */
  duplicates: number;
  /** Invalid events (dead-lettered by the validator). */
  invalid: number;
  /** Events the processor dead-lettered (a permanent failure, or its last attempt). */
  deadLettered: number;
  /** Events whose processing failed this time: returned to the queue for another delivery. */
  failed: number;
  /** Events Lambda throttled past the retries: returned to the queue, not counted as failures. */
  throttled: number;
}

/**
 * Creates the batch reporter.
 *
 * @example
 * const reporter = createBatchReporter();
 * const response = await reporter.report({ invalid: 1, outcomes }); // → { batchItemFailures, processed, … }
 */
export function createBatchReporter(): { report(request: BatchReportRequest): Promise<BatchResponse> } {
  return {
    async report(request: BatchReportRequest): Promise<BatchResponse> {
      const response: BatchResponse = {
        batchItemFailures: [],
        processed: 0,
        duplicates: 0,
        invalid: Number(request.invalid) || 0,
        deadLettered: 0,
        failed: 0,
        throttled: 0,
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
            response.deadLettered++;
            break;
          case 'failed':
            response.failed++;
            response.batchItemFailures.push({ itemIdentifier: outcome.messageId });
            break;
          case 'throttled':
            response.throttled++;
            response.batchItemFailures.push({ itemIdentifier: outcome.messageId });
            break;
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
