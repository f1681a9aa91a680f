/**
 * Lambda entry point of the batch reporter (last state of the buffered workflow). Reads no
 * environment of its own (Powertools settings only).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createBatchReporter } from '../processing/batch-report.js';
import type { BatchReportRequest, BatchResponse } from '../processing/batch-report.js';
import { observability } from './environment.js';

const { logger, metrics } = observability(process.env);
const reporter = createBatchReporter();

/** Counts a batch's outcomes and returns the partial-batch response (records to hand back to the queue). */
export async function handler(request: BatchReportRequest, context?: Context): Promise<BatchResponse> {
  if (context) logger.addContext(context);
  try {
    const response = await reporter.report(request);
    // The processor leaves these two to the reporter in buffered mode: one metric line per execution, not per event.
    metrics.addMetric('EventsProcessed', MetricUnit.Count, response.processed);
    metrics.addMetric('EventsDuplicate', MetricUnit.Count, response.duplicates);
    metrics.addMetric('BatchItemFailures', MetricUnit.Count, response.batchItemFailures.length);
    metrics.addMetric('EventsThrottled', MetricUnit.Count, response.throttled);
    logger.info('Batch done', {
      processed: response.processed,
      duplicates: response.duplicates,
      invalid: response.invalid,
      deadLettered: response.deadLettered,
      failed: response.failed,
      throttled: response.throttled,
      returned: response.batchItemFailures.length,
    });
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
}
