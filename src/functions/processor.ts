/**
 * Lambda entry point of the processor. Reads IDEMPOTENCY_TABLE_NAME,
 * IDEMPOTENCY_EXPIRES_AFTER_SECONDS, CONVERSATIONS_TABLE_NAME, DEAD_LETTER_TABLE_NAME,
 * DEAD_LETTER_EXPIRES_AFTER_SECONDS and, optionally, MAX_PROCESSING_ATTEMPTS, the projection tables
 * of the other families (AGENT_STATE_TABLE_NAME, AUDIT_TABLE_NAME, TRANSCRIPTS_TABLE_NAME,
 * GENERIC_EVENTS_TABLE_NAME: an event of a family whose table is not set is dead-lettered with a
 * reason saying so), SINK_WEBHOOK_URL and SINK_WEBHOOK_SECRET_ARN (its signing secret), LAKE_DELIVERY_STREAM_NAME (the data lake's
 * Firehose stream), SINK_OPTIONS, SINK_FAN_OUT_EVENT_BUS (the fan-out sink's bus, last of the sinks), DIRECTORY_TABLE_NAME and
 * DIRECTORY_REFRESHER_FUNCTION_NAME
 * (names for the sinks' `context.directory`).
 *
 * Your own sinks (the construct's `sinks` prop) come in through {@link createProcessorHandler}: the
 * construct bundles an entry module that imports this one and your sink modules and exports
 * `createProcessorHandler([...])` as `handler`.
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
import { sinksFromModules } from '../processing/sink-module.js';
import type { SinkModule } from '../processing/sink-module.js';
import { WebhookSink } from '../processing/sinks/webhook.js';
import { EventBusSink, FAN_OUT_FAILED_METRIC } from '../processing/sinks/event-bus.js';
import type { PutEventsClient } from '../processing/sinks/event-bus.js';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { FirehoseLakeSink } from '../processing/sinks/firehose-lake.js';
import { PermanentProcessingError } from '../processing/errors.js';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
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
import { FunctionConfigError } from './errors.js';
import { FUNCTION_ENV } from './index.js';

const { logger, log, metrics } = observability(process.env);

/**
 * Builds the processor from the environment (once per execution environment), with your sinks
 * after the projections, on `client` (default: the function's own).
 */
export async function processorFromEnv(
  env: Env,
  userSinks: readonly SinkModule[] = [],
  client = dynamoDbClient(),
  eventBridge: () => PutEventsClient = () => new EventBridgeClient({}),
): Promise<Processor> {
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
  if (webhook) {
    const secretArn = env[FUNCTION_ENV.SINK_WEBHOOK_SECRET_ARN]?.trim();
    sinks.push(new WebhookSink({ url: webhook, ...(secretArn ? { secret: webhookSecret(secretArn) } : {}) }));
  }
  const lakeStream = env[FUNCTION_ENV.LAKE_DELIVERY_STREAM_NAME]?.trim();
  if (lakeStream) sinks.push(new FirehoseLakeSink({ deliveryStreamName: lakeStream }));
  sinks.push(...(await sinksFromModules(withOptions(env, userSinks))));
  // Last: only its own retries (or a crash after it) publish an event twice.
  const fanOutBus = env[FUNCTION_ENV.SINK_FAN_OUT_EVENT_BUS]?.trim();
  if (fanOutBus)
    sinks.push(
      new EventBusSink({
        eventBusName: fanOutBus,
        client: eventBridge(),
        // One metric line per failed entry (rare); the construct's alarm watches it.
        onEntryFailed: ({ code, permanent }) => {
          metrics.addMetric(FAN_OUT_FAILED_METRIC, MetricUnit.Count, 1);
          log.warn('Fan-out entry failed', { code, permanent });
          metrics.publishStoredMetrics();
        },
      }),
    );
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
 * The webhook's signing secret from Secrets Manager (Powertools, cached 5 minutes: a rotated
 * secret is used within 5 minutes, and not every event costs a call). Never logged.
 */
function webhookSecret(arn: string): () => Promise<string> {
  const provider = new SecretsProvider();
  return async () => {
    const value = await provider.get(arn, { maxAge: 300 });
    if (typeof value !== 'string' || value === '')
      throw new PermanentProcessingError(
        `The webhook secret ${arn} holds no string value; store the shared secret as the secret's plain text.`,
      );
    return value;
  };
}

/** Your sinks with their options from SINK_OPTIONS (a JSON array in the sinks' order), where a module has none of its own. */
function withOptions(env: Env, userSinks: readonly SinkModule[]): SinkModule[] {
  const raw = env[FUNCTION_ENV.SINK_OPTIONS]?.trim();
  if (!raw) return [...userSinks];
  let options: unknown;
  try {
    options = JSON.parse(raw);
  } catch {
    options = undefined;
  }
  if (!Array.isArray(options))
    throw new FunctionConfigError(
      FUNCTION_ENV.SINK_OPTIONS,
      `Environment variable ${FUNCTION_ENV.SINK_OPTIONS} must be a JSON array of the sinks' options, in their order.`,
    );
  return userSinks.map((sink, i) =>
    sink.options === undefined && options[i] !== undefined ? { ...sink, options: options[i] } : sink,
  );
}

/** A processor handler: one event per call (a Map iteration, or the direct workflow's Process state). */
export type ProcessorHandler = (request: ProcessRequest, context?: Context) => Promise<ProcessResult>;

/**
 * The processor's handler with your sink modules (the entry the construct generates calls it).
 *
 * @example
 * import * as crm from './crm-sink.js';
 * export const handler = createProcessorHandler([{ module: crm, options: { url }, source: 'crm-sink.ts' }]);
 */
export function createProcessorHandler(userSinks: readonly SinkModule[] = []): ProcessorHandler {
  let processor: Promise<Processor> | undefined;
  return async (request, context) => {
    if (context) logger.addContext(context);
    // A failed start (a sink's factory threw) is not kept: the next event tries again.
    processor ??= processorFromEnv(process.env, userSinks).catch((error: unknown) => {
      processor = undefined;
      throw error;
    });
    return processOne(await processor, request, context);
  };
}

/** Processes one event with the pipeline's own sinks (the processor without sinks of your own). */
export const handler: ProcessorHandler = createProcessorHandler();

/**
 * Buffered mode (MAX_PROCESSING_ATTEMPTS is set only there): the batch reporter counts processed
 * and duplicate events once per execution, so the processor publishes a metric (one EMF log line)
 * only for what is rare — a dead letter, a transient failure — instead of one line per event
 * (about 300 bytes of CloudWatch Logs per event, docs/capacity.md). Direct mode has no reporter:
 * there it counts every outcome.
 */
let countedByReporter: boolean | undefined;

async function processOne(processor: Processor, request: ProcessRequest, context?: Context): Promise<ProcessResult> {
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
