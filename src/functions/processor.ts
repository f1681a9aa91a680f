/**
 * Lambda entry point of the processor. Reads IDEMPOTENCY_TABLE_NAME,
 * IDEMPOTENCY_EXPIRES_AFTER_SECONDS, CONVERSATIONS_TABLE_NAME, DEAD_LETTER_TABLE_NAME,
 * DEAD_LETTER_EXPIRES_AFTER_SECONDS and, optionally, MAX_PROCESSING_ATTEMPTS, the projection tables
 * of the other families (AGENT_STATE_TABLE_NAME, AUDIT_TABLE_NAME, TRANSCRIPTS_TABLE_NAME,
 * GENERIC_EVENTS_TABLE_NAME: an event of a family whose table is not set is dead-lettered with a
 * reason saying so), SINK_WEBHOOK_URL, DIRECTORY_TABLE_NAME and DIRECTORY_REFRESHER_FUNCTION_NAME
 * (names for the sinks' `context.directory`).
 *
 * Transient failures leave as a short `TransientProcessingError` (the state machine retries them);
 * permanent ones — and, with MAX_PROCESSING_ATTEMPTS, the attempt that reaches the limit — are
 * dead-lettered and reported as `dead-lettered`.
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createProcessor } from '../processing/processor.js';
import type { Processor, ProcessRequest, ProcessResult } from '../processing/processor.js';
import { ProjectionSink } from '../processing/projections.js';
import type { Projections } from '../processing/projections.js';
import type { Sink } from '../processing/sink.js';
import { WebhookSink } from '../processing/sinks/webhook.js';
import { DynamoDbConversationStore } from '../processing/stores/dynamodb-conversation-store.js';
import {
  DynamoDbAgentStateStore,
  DynamoDbAuditLogStore,
  DynamoDbGenericEventStore,
  DynamoDbTranscriptStore,
} from '../processing/stores/dynamodb-projection-stores.js';
import { DynamoDbFailureCounter } from '../processing/stores/dynamodb-failure-counter.js';
import { directoryFromEnv } from './directory.js';
import { deadLetterStore, dynamoDbClient, observability, positiveIntEnv, requireEnv } from './environment.js';
import type { Env } from './environment.js';
import { FUNCTION_ENV } from './index.js';

const { logger, log, metrics } = observability(process.env);
let processor: Processor | undefined;

/** Builds the processor from the environment (once per execution environment), on `client` (default: the function's own). */
export function processorFromEnv(env: Env, client = dynamoDbClient()): Processor {
  const table = (name: string): string | undefined => env[name]?.trim() || undefined;
  const projections: Projections = {
    conversations: new DynamoDbConversationStore({
      tableName: requireEnv(env, FUNCTION_ENV.CONVERSATIONS_TABLE_NAME),
      client,
    }),
  };
  const agentStates = table(FUNCTION_ENV.AGENT_STATE_TABLE_NAME);
  if (agentStates) projections.agentStates = new DynamoDbAgentStateStore({ tableName: agentStates, client });
  const audits = table(FUNCTION_ENV.AUDIT_TABLE_NAME);
  if (audits) projections.audits = new DynamoDbAuditLogStore({ tableName: audits, client });
  const transcripts = table(FUNCTION_ENV.TRANSCRIPTS_TABLE_NAME);
  if (transcripts) projections.transcripts = new DynamoDbTranscriptStore({ tableName: transcripts, client });
  const genericEvents = table(FUNCTION_ENV.GENERIC_EVENTS_TABLE_NAME);
  if (genericEvents) projections.genericEvents = new DynamoDbGenericEventStore({ tableName: genericEvents, client });
  const sinks: Sink[] = [new ProjectionSink(projections)];
  const webhook = env[FUNCTION_ENV.SINK_WEBHOOK_URL]?.trim();
  if (webhook) sinks.push(new WebhookSink({ url: webhook }));
  const expiresAfterSeconds = positiveIntEnv(env, FUNCTION_ENV.IDEMPOTENCY_EXPIRES_AFTER_SECONDS);
  const maxAttempts = positiveIntEnv(env, FUNCTION_ENV.MAX_PROCESSING_ATTEMPTS);
  const idempotencyTable = requireEnv(env, FUNCTION_ENV.IDEMPOTENCY_TABLE_NAME);
  const directory = directoryFromEnv(env, client);
  return createProcessor({
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: idempotencyTable, awsSdkV3Client: client }),
    sinks,
    ...(directory ? { directory } : {}),
    deadLetters: deadLetterStore(env, client),
    ...(expiresAfterSeconds !== undefined ? { expiresAfterSeconds } : {}),
    ...(maxAttempts !== undefined
      ? { failures: { counter: new DynamoDbFailureCounter({ tableName: idempotencyTable, client }), maxAttempts } }
      : {}),
    logger: log,
  });
}

/**
 * Buffered mode (MAX_PROCESSING_ATTEMPTS is set only there): the batch reporter counts processed
 * and duplicate events once per execution, so the processor publishes a metric (one EMF log line)
 * only for what is rare — a dead letter, a transient failure — instead of one line per event
 * (about 300 bytes of CloudWatch Logs per event, docs/capacity.md). Direct mode has no reporter:
 * there it counts every outcome.
 */
let countedByReporter: boolean | undefined;

/** Processes one event (a Map iteration, or the direct workflow's Process state). */
export async function handler(request: ProcessRequest, context?: Context): Promise<ProcessResult> {
  if (context) logger.addContext(context);
  processor ??= processorFromEnv(process.env);
  countedByReporter ??= Boolean(process.env[FUNCTION_ENV.MAX_PROCESSING_ATTEMPTS]?.trim());
  let counted = false;
  try {
    const result = await processor.process(request, context);
    if (result.status === 'dead-lettered' || !countedByReporter) {
      metrics.addMetric(OUTCOME_METRICS[result.status], MetricUnit.Count, 1);
      counted = true;
    }
    return result;
  } catch (error) {
    metrics.addMetric('EventsTransientFailure', MetricUnit.Count, 1);
    counted = true;
    throw error;
  } finally {
    if (counted) metrics.publishStoredMetrics();
  }
}

/** The metric of each outcome. */
const OUTCOME_METRICS: Record<ProcessResult['status'], string> = {
  processed: 'EventsProcessed',
  duplicate: 'EventsDuplicate',
  'dead-lettered': 'EventsDeadLettered',
};
