/**
 * The processing core: validator, idempotent processor, the conversation projection, sinks,
 * batch reporting, and the stores behind them (DynamoDB and SQLite adapters).
 */
export * from './errors.js';
export { PERMANENT_ERROR_NAME, TRANSIENT_ERROR_NAME } from '../contract/index.js';
export type { ProcessingLogger } from './logger.js';
export { noopLogger } from './logger.js';
export { factOf, assertFact } from './facts.js';
export type { ConversationFact } from './facts.js';
export { projectConversation, canonicalFacts, compareFacts } from './projection.js';
export type { ConversationProjection } from './projection.js';
export { ConversationProjectionSink } from './sink.js';
export type { Sink, SinkContext } from './sink.js';
export { WebhookSink } from './sinks/webhook.js';
export type { WebhookSinkOptions, WebhookPayload } from './sinks/webhook.js';
export { NdjsonFileSink } from './sinks/ndjson-file.js';
export { createValidator } from './validator.js';
export { ParsedEventHandoff, DEFAULT_PARSED_EVENT_HANDOFF_CAPACITY } from './parsed-events.js';
export type { SqsRecord, ValidatorRequest, ValidatedItem, ValidationResult, ValidatorOptions } from './validator.js';
export {
  createProcessor,
  DEFAULT_IDEMPOTENCY_EXPIRES_AFTER_SECONDS,
  GENESYS_RESEND_WINDOW_SECONDS,
  IDEMPOTENCY_KEY_PREFIX,
} from './processor.js';
export type {
  Processor,
  ProcessorOptions,
  ProcessRequest,
  ProcessResult,
  ProcessStatus,
  RemainingTime,
} from './processor.js';
export { createBatchReporter, reasonOf } from './batch-report.js';
export type { BatchReportRequest, BatchResponse, BatchReporterOptions, ItemOutcome } from './batch-report.js';
export { createFailureRecorder } from './failure-recorder.js';
export type { FailureRecordRequest } from './failure-recorder.js';
export type { ConversationStore } from './stores/conversation-store.js';
export { CONVERSATION_STATES } from './stores/conversation-queries.js';
export type { ConversationListQuery, ConversationQueries, ConversationState } from './stores/conversation-queries.js';
export { deadLetterEntry, MAX_DEAD_LETTER_BODY_BYTES } from './stores/dead-letter.js';
export type { DeadLetterEntry, DeadLetterInput, DeadLetterStage, DeadLetterStore } from './stores/dead-letter.js';
export { DynamoDbConversationStore, PROJECTION_SK, FACT_SK_PREFIX } from './stores/dynamodb-conversation-store.js';
export type { DynamoDbConversationStoreOptions } from './stores/dynamodb-conversation-store.js';
export {
  DynamoDbDeadLetterStore,
  DEFAULT_DEAD_LETTER_EXPIRES_AFTER_SECONDS,
} from './stores/dynamodb-dead-letter-store.js';
export type { DynamoDbDeadLetterStoreOptions } from './stores/dynamodb-dead-letter-store.js';
export { openSqliteDatabase } from '../sqlite/index.js';
export type { SqliteDatabase, OpenSqliteOptions } from '../sqlite/index.js';
export { SqliteConversationStore, DEFAULT_CACHED_CONVERSATIONS } from './stores/sqlite-conversation-store.js';
export type { SqliteConversationStoreOptions, ConversationCacheStats } from './stores/sqlite-conversation-store.js';
export { SqliteConversationQueries } from './stores/sqlite-conversation-queries.js';
export { CONVERSATION_SCHEMA_VERSION } from './stores/sqlite-conversation-schema.js';
export { SqliteDeadLetterStore } from './stores/sqlite-dead-letter-store.js';
export {
  SqliteIdempotencyPersistenceLayer,
  idempotencyRecordId,
  resolveIdempotencyRecordIds,
} from './stores/sqlite-idempotency.js';
export { createLocalHandlers } from './local.js';
export type { LocalProcessingOptions, LocalHandlers } from './local.js';
