/**
 * `genesys-event-pipeline/processing` — the processing core: the validator, the idempotent
 * processor (Powertools idempotency), the conversation projection, the `Sink` port and its
 * adapters, batch reporting and failure records, the classification of errors, and the stores
 * behind them (DynamoDB and SQLite adapters). It does not know whether it runs in Lambda or on
 * one machine.
 */

// The handlers the state machine calls.
export { createValidator } from './validator.js';
export type { SqsRecord, ValidatorRequest, ValidatedItem, ValidationResult, ValidatorOptions } from './validator.js';
export {
  createProcessor,
  DEFAULT_IDEMPOTENCY_EXPIRES_AFTER_SECONDS,
  GENESYS_RESEND_WINDOW_SECONDS,
} from './processor.js';
export type {
  Processor,
  ProcessorOptions,
  ProcessRequest,
  ProcessResult,
  ProcessStatus,
  RemainingTime,
} from './processor.js';
export { createBatchReporter } from './batch-report.js';
export type { BatchReportRequest, BatchResponse, ItemOutcome } from './batch-report.js';
export { createBatchStarter, MAX_EXECUTION_INPUT_BYTES } from './batch-starter.js';
export type { BatchStarterOptions, BatchStartResult, ExecutionRunner, SqsEventRecord } from './batch-starter.js';
export type { FailureCounter } from './failure-counter.js';
export { createFailureRecorder } from './failure-recorder.js';
export type { FailureRecordRequest } from './failure-recorder.js';
export type { ProcessingLogger } from './logger.js';

// The conversation projection and the sinks.
export { factOf } from './facts.js';
export type { ConversationFact } from './facts.js';
export { projectConversation } from './projection.js';
export type { ConversationProjection } from './projection.js';
export { ConversationProjectionSink } from './sink.js';
export type { DeliveryContext, Sink, SinkContext } from './sink.js';
export { sinkFromModule, sinksFromModules, SINK_NAME_PATTERN } from './sink-module.js';
export type { SinkFactory, SinkModule } from './sink-module.js';
export {
  WebhookSink,
  signWebhookBody,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_TOLERANCE_SECONDS,
} from './sinks/webhook.js';
export type { WebhookSinkOptions, WebhookPayload } from './sinks/webhook.js';
export { NdjsonFileSink } from './sinks/ndjson-file.js';
export {
  EventBusSink,
  fanOutDetail,
  fanOutEntry,
  FAN_OUT_DETAIL_VERSION,
  FAN_OUT_FAILED_METRIC,
  FAN_OUT_SINK_NAME,
  FAN_OUT_SOURCE,
  RETRYABLE_PUT_EVENTS_ERROR_CODES,
} from './sinks/event-bus.js';
export type { EventBusSinkOptions, FanOutDetail, FanOutFailure, PutEventsClient } from './sinks/event-bus.js';
// The data lake: its record, and its sinks (files locally, Firehose on AWS).
export {
  lakeRecord,
  lakePartition,
  lakePartitionPath,
  lakeLine,
  LAKE_COLUMNS,
  LAKE_FAMILIES,
  LAKE_PARTITION_KEYS,
  LAKE_RECORD_VERSION,
} from './lake-record.js';
export type { LakeRecord, LakePartition } from './lake-record.js';
export { LakeFileSink, LAKE_SINK_NAME, LAKE_INDEX_FILE } from './sinks/lake-files.js';
export type { LakeFileSinkOptions } from './sinks/lake-files.js';
export { FirehoseLakeSink, FIREHOSE_LIMITS } from './sinks/firehose-lake.js';
export type { FirehoseLakeSinkOptions } from './sinks/firehose-lake.js';

// Ports and adapters of the stores.
export type { ConversationStore } from './stores/conversation-store.js';
export { CONVERSATION_STATES } from './stores/conversation-queries.js';
export type { ConversationListQuery, ConversationQueries, ConversationState } from './stores/conversation-queries.js';
export type { DeadLetterEntry, DeadLetterInput, DeadLetterStage, DeadLetterStore } from './stores/dead-letter.js';
export { DynamoDbConversationStore } from './stores/dynamodb-conversation-store.js';
export type { DynamoDbConversationStoreOptions } from './stores/dynamodb-conversation-store.js';
export {
  DynamoDbDeadLetterStore,
  DEFAULT_DEAD_LETTER_EXPIRES_AFTER_SECONDS,
} from './stores/dynamodb-dead-letter-store.js';
export type { DynamoDbDeadLetterStoreOptions } from './stores/dynamodb-dead-letter-store.js';
export { openSqliteDatabase } from '../sqlite/index.js';
export type { SqliteDatabase, OpenSqliteOptions } from '../sqlite/index.js';
export { SqliteConversationStore } from './stores/sqlite-conversation-store.js';
export type { SqliteConversationStoreOptions, ConversationCacheStats } from './stores/sqlite-conversation-store.js';
export { SqliteConversationQueries } from './stores/sqlite-conversation-queries.js';
export { SqliteDeadLetterStore } from './stores/sqlite-dead-letter-store.js';
export { SqliteIdempotencyPersistenceLayer, idempotencyRecordId } from './stores/sqlite-idempotency.js';
export { createLocalHandlers } from './local.js';
export type { LocalProcessingOptions, LocalHandlers } from './local.js';

// Errors and their classification.
export {
  ProcessingError,
  TransientProcessingError,
  PermanentProcessingError,
  ProcessorConfigError,
  ProjectionError,
  WebhookSinkConfigError,
  EventBusSinkConfigError,
  ConversationSchemaError,
  ValidatorInputError,
  SinkModuleError,
  LakeSinkError,
  classifyError,
} from './errors.js';
export type { ErrorClass } from './errors.js';
export { PERMANENT_ERROR_NAME, TRANSIENT_ERROR_NAME } from '../contract/index.js';
