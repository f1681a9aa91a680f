/**
 * The failure recorder (direct mode): after the processor's retries are spent, the state
 * machine hands it the event with the error and cause; it dead-letters them, then the execution
 * fails with the same error and cause.
 */
import type { JsonValue } from '../contract/index.js';
import { eventIds, reasonOf } from './batch-report.js';
import { noopLogger } from './logger.js';
import type { ProcessingLogger } from './logger.js';
import { deadLetterEntry } from './stores/dead-letter.js';
import type { DeadLetterStore } from './stores/dead-letter.js';

/** Input of the failure recorder. */
export interface FailureRecordRequest {
  messageId: string;
  event: JsonValue;
  /** The Step Functions error name. */
  error: string;
  /** The Step Functions cause. */
  cause: string;
}

/**
 * Creates the failure recorder.
 *
 * @example
 * const recorder = createFailureRecorder({ deadLetters });
 * await recorder.record({ messageId, event, error: 'TransientProcessingError', cause });
 */
export function createFailureRecorder(options: { deadLetters: DeadLetterStore; logger?: ProcessingLogger }): {
  record(request: FailureRecordRequest): Promise<{ deadLetterId: string }>;
} {
  const logger = options.logger ?? noopLogger;
  return {
    async record(request: FailureRecordRequest): Promise<{ deadLetterId: string }> {
      const entry = deadLetterEntry({
        stage: 'process',
        reason: `Processing failed after the state machine's retries: ${reasonOf(request.error, request.cause)}`,
        errorName: request.error,
        body: request.event,
        messageId: request.messageId,
        ...eventIds(request.event),
      });
      await options.deadLetters.put(entry);
      logger.error('Failed event dead-lettered', { messageId: request.messageId, deadLetterId: entry.id });
      return { deadLetterId: entry.id };
    },
  };
}
