/**
 * Lambda entry point of the processor. Reads IDEMPOTENCY_TABLE_NAME,
 * IDEMPOTENCY_EXPIRES_AFTER_SECONDS, CONVERSATIONS_TABLE_NAME, DEAD_LETTER_TABLE_NAME,
 * DEAD_LETTER_EXPIRES_AFTER_SECONDS and, optionally, SINK_WEBHOOK_URL, DIRECTORY_TABLE_NAME and
 * DIRECTORY_REFRESHER_FUNCTION_NAME (names for the sinks' `context.directory`).
 *
 * Transient failures leave as `TransientProcessingError` (the state machine retries them);
 * permanent ones are dead-lettered and reported as `dead-lettered`.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createProcessor } from '../processing/processor.js';
import type { Processor, ProcessRequest, ProcessResult } from '../processing/processor.js';
import { ConversationProjectionSink } from '../processing/sink.js';
import type { Sink } from '../processing/sink.js';
import { WebhookSink } from '../processing/sinks/webhook.js';
import { DynamoDbConversationStore } from '../processing/stores/dynamodb-conversation-store.js';
import { directoryFromEnv } from './directory.js';
import { deadLetterStore, dynamoDbClient, observability, positiveIntEnv, requireEnv } from './environment.js';
import type { Env } from './environment.js';
import { FUNCTION_ENV } from './index.js';

const { logger, log, metrics } = observability(process.env);
let processor: Processor | undefined;

/** Builds the processor from the environment (once per execution environment). */
function processorFromEnv(env: Env): Processor {
  const client = dynamoDbClient();
  const sinks: Sink[] = [
    new ConversationProjectionSink(
      new DynamoDbConversationStore({ tableName: requireEnv(env, FUNCTION_ENV.CONVERSATIONS_TABLE_NAME), client }),
    ),
  ];
  const webhook = env[FUNCTION_ENV.SINK_WEBHOOK_URL]?.trim();
  if (webhook) sinks.push(new WebhookSink({ url: webhook }));
  const expiresAfterSeconds = positiveIntEnv(env, FUNCTION_ENV.IDEMPOTENCY_EXPIRES_AFTER_SECONDS);
  const directory = directoryFromEnv(env, client);
  return createProcessor({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: requireEnv(env, FUNCTION_ENV.IDEMPOTENCY_TABLE_NAME),
      awsSdkV3Client: client,
    }),
    sinks,
    ...(directory ? { directory } : {}),
    deadLetters: deadLetterStore(env, client),
    ...(expiresAfterSeconds !== undefined ? { expiresAfterSeconds } : {}),
    logger: log,
  });
}

/** Processes one event (a Map iteration, or the direct workflow's Process state). */
export async function handler(request: ProcessRequest, context?: Context): Promise<ProcessResult> {
  if (context) logger.addContext(context);
  processor ??= processorFromEnv(process.env);
  try {
    const result = await processor.process(request, context);
    metrics.addMetric(
      result.status === 'processed'
        ? 'EventsProcessed'
        : result.status === 'duplicate'
          ? 'EventsDuplicate'
          : 'EventsDeadLettered',
      MetricUnit.Count,
      1,
    );
    return result;
  } catch (error) {
    metrics.addMetric('EventsTransientFailure', MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
