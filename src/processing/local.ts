/**
 * The processing core wired for one machine: SQLite stores and in-process handlers for every
 * function placeholder of the state machine definitions, ready for {@link LocalWorkflowExecutor}.
 */
import { FUNCTION_PLACEHOLDERS } from '../contract/index.js';
import type { JsonValue, LocalLambdaHandler } from '../contract/index.js';
import { createBatchReporter } from './batch-report.js';
import type { BatchReportRequest } from './batch-report.js';
import { createFailureRecorder } from './failure-recorder.js';
import type { FailureRecordRequest } from './failure-recorder.js';
import type { ProcessingLogger } from './logger.js';
import { createProcessor } from './processor.js';
import type { Processor, ProcessRequest } from './processor.js';
import { ProjectionSink } from './projections.js';
import type { Sink } from './sink.js';
import type { SqliteDatabase } from '../sqlite/index.js';
import { ParsedEventHandoff } from './parsed-events.js';
import { SqliteConversationQueries } from './stores/sqlite-conversation-queries.js';
import type { DirectoryLookup } from '../directory/ports.js';
import { SqliteConversationStore } from './stores/sqlite-conversation-store.js';
import { SqliteDeadLetterStore } from './stores/sqlite-dead-letter-store.js';
import { SqliteFailureCounter } from './stores/sqlite-failure-counter.js';
import { SqliteIdempotencyPersistenceLayer } from './stores/sqlite-idempotency.js';
import {
  SqliteAgentStateStore,
  SqliteAuditLogStore,
  SqliteGenericEventStore,
  SqliteTranscriptStore,
} from './stores/sqlite-projection-stores.js';
import { createValidator } from './validator.js';
import type { ValidatorRequest } from './validator.js';

/** Options of {@link createLocalHandlers}. */
export interface LocalProcessingOptions {
  /** The SQLite database (see `openSqliteDatabase`). */
  db: SqliteDatabase;
  /** Your sinks, run after the projections. */
  sinks?: readonly Sink[];
  /** Names for the sinks (`context.directory`). */
  directory?: DirectoryLookup;
  /** Conversations whose facts the projection store keeps in memory (default `DEFAULT_CACHED_CONVERSATIONS`, 5,000). */
  cacheConversations?: number;
  /**
   * Idempotency record ids ordered by event time (`SqliteIdempotencyPersistenceLayer`'s
   * `recordIdsByEventTime`): about halves the commit cost per event at volume. Default `false`
   * (Powertools' ids). Compute ids with `idempotencyRecordId`.
   */
  idempotencyRecordIdsByEventTime?: boolean;
  /**
   * Keep idempotency records in progress in memory, writing only completed ones
   * (`SqliteIdempotencyPersistenceLayer`'s `inProgressInMemory`): one row write per event instead
   * of two. Only when these handlers are the database's only processor (the runtime holds the
   * data directory's lock). Default `false`.
   */
  idempotencyInProgressInMemory?: boolean;
  /** Idempotency record lifetime in seconds (default 7 days). */
  expiresAfterSeconds?: number;
  /**
   * Count the processor's transient failures per event (table `failure_counts`) and dead-letter an
   * event on the attempt that reaches this many (buffered mode, where failed events return to the
   * queue). Unset: no counting.
   */
  maxProcessingAttempts?: number;
  logger?: ProcessingLogger;
  /**
   * Wraps the processor, e.g. to inject faults in a test or to count calls. Receives the real
   * processor and returns the one the executor calls.
   */
  wrapProcessor?: (processor: Processor) => Processor;
}

/** Stores and handlers for a local run. */
export interface LocalHandlers {
  /** Handlers by placeholder: pass as `functions` to `LocalWorkflowExecutor`. */
  functions: Record<string, LocalLambdaHandler>;
  conversations: SqliteConversationStore;
  /** Reads of the projection: `ConversationQueries` for the HTTP routes, `ContactCentreSource` for telemetry. */
  queries: SqliteConversationQueries;
  /** The projections of the other families (each also answers reads). */
  agentStates: SqliteAgentStateStore;
  audits: SqliteAuditLogStore;
  transcripts: SqliteTranscriptStore;
  genericEvents: SqliteGenericEventStore;
  deadLetters: SqliteDeadLetterStore;
  idempotency: SqliteIdempotencyPersistenceLayer;
  /** The processor behind the processor handler (`deliver` gives an event to one sink: a redrive). */
  processor: Processor;
}

/**
 * @example
 * const db = openSqliteDatabase('pipeline.db');
 * const local = createLocalHandlers({ db, maxProcessingAttempts: 9 });
 * const executor = new LocalWorkflowExecutor(buildStateMachineDefinition({ mode: 'buffered' }), { functions: local.functions });
 */
export function createLocalHandlers(options: LocalProcessingOptions): LocalHandlers {
  const conversations = new SqliteConversationStore(
    options.db,
    options.cacheConversations !== undefined ? { cacheConversations: options.cacheConversations } : {},
  );
  const queries = new SqliteConversationQueries(options.db);
  const agentStates = new SqliteAgentStateStore(options.db);
  const audits = new SqliteAuditLogStore(options.db);
  const transcripts = new SqliteTranscriptStore(options.db);
  const genericEvents = new SqliteGenericEventStore(options.db);
  const deadLetters = new SqliteDeadLetterStore(options.db);
  const idempotency = new SqliteIdempotencyPersistenceLayer(options.db, {
    recordIdsByEventTime: options.idempotencyRecordIdsByEventTime ?? false,
    inProgressInMemory: options.idempotencyInProgressInMemory ?? false,
  });
  const logger = options.logger;
  // Validator and processor run in this process: the processor reuses the validator's parse.
  const parsedEvents = new ParsedEventHandoff();
  const validator = createValidator({ deadLetters, parsedEvents, ...(logger ? { logger } : {}) });
  const base = createProcessor({
    persistenceStore: idempotency,
    sinks: [
      new ProjectionSink({ conversations, agentStates, audits, transcripts, genericEvents }),
      ...(options.sinks ?? []),
    ],
    deadLetters,
    parsedEvents,
    ...(options.directory ? { directory: options.directory } : {}),
    ...(options.expiresAfterSeconds !== undefined ? { expiresAfterSeconds: options.expiresAfterSeconds } : {}),
    ...(options.maxProcessingAttempts !== undefined
      ? { failures: { counter: new SqliteFailureCounter(options.db), maxAttempts: options.maxProcessingAttempts } }
      : {}),
    ...(logger ? { logger } : {}),
  });
  const processor = options.wrapProcessor ? options.wrapProcessor(base) : base;
  const reporter = createBatchReporter();
  const recorder = createFailureRecorder({ deadLetters, ...(logger ? { logger } : {}) });
  const json = (value: unknown): JsonValue => value as JsonValue;
  return {
    conversations,
    queries,
    agentStates,
    audits,
    transcripts,
    genericEvents,
    deadLetters,
    idempotency,
    processor,
    functions: {
      [FUNCTION_PLACEHOLDERS.validator]: async (payload) =>
        json(await validator.validate(payload as unknown as ValidatorRequest)),
      [FUNCTION_PLACEHOLDERS.processor]: async (payload) =>
        json(await processor.process(payload as unknown as ProcessRequest)),
      [FUNCTION_PLACEHOLDERS.batchReporter]: async (payload) =>
        json(await reporter.report(payload as unknown as BatchReportRequest)),
      [FUNCTION_PLACEHOLDERS.failureRecorder]: async (payload) =>
        json(await recorder.record(payload as unknown as FailureRecordRequest)),
    },
  };
}
