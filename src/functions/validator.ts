/**
 * Lambda entry point of the validator (first state of both workflows). Reads
 * DEAD_LETTER_TABLE_NAME and DEAD_LETTER_EXPIRES_AFTER_SECONDS.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createValidator } from '../processing/validator.js';
import type { ValidationResult, ValidatorRequest } from '../processing/validator.js';
import { deadLetterStore, dynamoDbClient, observability } from './environment.js';

const { logger, log, metrics } = observability(process.env);
let validator: ReturnType<typeof createValidator> | undefined;

/** Validates a batch of SQS records or one EventBridge event; dead-letters invalid events. */
export async function handler(request: ValidatorRequest, context?: Context): Promise<ValidationResult> {
  if (context) logger.addContext(context);
  validator ??= createValidator({ deadLetters: deadLetterStore(process.env, dynamoDbClient()), logger: log });
  try {
    const result = await validator.validate(request);
    metrics.addMetric('EventsValid', MetricUnit.Count, result.items.length);
    metrics.addMetric('EventsInvalid', MetricUnit.Count, result.invalid);
    return result;
  } finally {
    metrics.publishStoredMetrics();
  }
}
