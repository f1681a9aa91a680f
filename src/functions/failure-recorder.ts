/**
 * Lambda entry point of the failure recorder (direct workflow). Reads DEAD_LETTER_TABLE_NAME and
 * DEAD_LETTER_EXPIRES_AFTER_SECONDS.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createFailureRecorder } from '../processing/failure-recorder.js';
import type { FailureRecordRequest } from '../processing/failure-recorder.js';
import { deadLetterStore, dynamoDbClient, observability } from './environment.js';

const { logger, log, metrics } = observability(process.env);
let recorder: ReturnType<typeof createFailureRecorder> | undefined;

/** Dead-letters an event whose processing failed for good. */
export async function handler(request: FailureRecordRequest, context?: Context): Promise<{ deadLetterId: string }> {
  if (context) logger.addContext(context);
  recorder ??= createFailureRecorder({ deadLetters: deadLetterStore(process.env, dynamoDbClient()), logger: log });
  try {
    const result = await recorder.record(request);
    metrics.addMetric('EventsDeadLettered', MetricUnit.Count, 1);
    return result;
  } finally {
    metrics.publishStoredMetrics();
  }
}
