/**
 * Lambda entry point of the batch reporter (last state of the buffered workflow). Reads
 * SOURCE_MAX_RECEIVE_COUNT (optional), DEAD_LETTER_TABLE_NAME and DEAD_LETTER_EXPIRES_AFTER_SECONDS.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createBatchReporter } from '../processing/batch-report.js';
import type { BatchReportRequest, BatchResponse } from '../processing/batch-report.js';
import { deadLetterStore, dynamoDbClient, observability, positiveIntEnv } from './environment.js';
import { FUNCTION_ENV } from './index.js';

const { logger, log, metrics } = observability(process.env);
let reporter: ReturnType<typeof createBatchReporter> | undefined;

/** Counts a batch's outcomes and returns the Pipes partial-batch-failure response. */
export async function handler(request: BatchReportRequest, context?: Context): Promise<BatchResponse> {
  if (context) logger.addContext(context);
  if (!reporter) {
    const maxReceiveCount = positiveIntEnv(process.env, FUNCTION_ENV.SOURCE_MAX_RECEIVE_COUNT);
    reporter = createBatchReporter({
      logger: log,
      ...(maxReceiveCount !== undefined
        ? { maxReceiveCount, deadLetters: deadLetterStore(process.env, dynamoDbClient()) }
        : {}),
    });
  }
  try {
    const response = await reporter.report(request);
    metrics.addMetric('BatchItemFailures', MetricUnit.Count, response.batchItemFailures.length);
    // Failures not handed back to the queue were dead-lettered here, on their last delivery (the
    // processor counts its own permanent failures as EventsDeadLettered).
    const lastDelivery =
      (request.outcomes ?? []).filter((o) => o.status === 'failed').length - response.batchItemFailures.length;
    if (lastDelivery > 0) metrics.addMetric('EventsDeadLettered', MetricUnit.Count, lastDelivery);
    logger.info('Batch done', {
      processed: response.processed,
      duplicates: response.duplicates,
      invalid: response.invalid,
      failed: response.failed,
      returned: response.batchItemFailures.length,
    });
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
}
