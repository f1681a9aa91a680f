/**
 * The processor: handles one event exactly once in effect.
 *
 * Idempotency is Powertools' (`makeIdempotent`) keyed on the event model's `key` (never the
 * conversation id): the first delivery runs the sinks and stores a small result; any later
 * delivery within the expiry window gets that stored result back without running anything.
 *
 * Telling a replay from a fresh run: every call passes a fresh `nonce` beside the key (only the
 * key is hashed), and the function returns it. A replay returns the nonce of the run that did the
 * work, so `result.nonce !== nonce` means "duplicate" — no guessing from timing. A nonce is the
 * processor's random 96-bit prefix (drawn once per processor: per Lambda execution environment)
 * followed by a call counter, so no two calls of any processors share one in practice, without
 * drawing random bytes per event.
 *
 * Claims: when the only sink can apply an event with one conditional write keyed by its key (a
 * conversation fact on DynamoDB: {@link ClaimingSink}, `claims.ts`), that write is the event's
 * idempotency claim and no Powertools record is written — one write per event instead of three.
 * The outcome is the same: `processed` the first time, `duplicate` after; a failure before the
 * write leaves nothing, so the retry (or a redrive) runs again.
 *
 * Errors: transient ones (see {@link classifyError}) leave as a short {@link TransientProcessingError}
 * for the state machine to retry (Powertools has deleted the in-progress record, so the retry runs
 * again); permanent ones are dead-lettered with the reason and reported as `dead-lettered`.
 * With a {@link FailureCounter}, each transient failure of an event is counted under its key, and
 * the attempt that reaches `maxAttempts` dead-letters the event instead of throwing — across
 * deliveries, so a queue's redeliveries end in the dead-letter store with the reason. Lambda
 * throttles never reach the processor, so they are never counted; neither is "another attempt of
 * this event is in progress". A failure is never stored as an idempotency result, so a redriven
 * event runs again after a fix.
 *
 * Sinks run in order and fail independently: a sink that fails permanently — or transiently
 * `maxAttempts` times, counted per event and sink — dead-letters the event *for itself* (the
 * entry names it: `process#<key>@<sink>`) and the sinks after it still run; the event then
 * reports `dead-lettered` with the sinks that gave up, and is not stored as done (delivered
 * again as a whole, it runs every sink again). A transient failure below the limit ends the
 * attempt: the event is retried, the sinks before it see it again (at least once per sink), the
 * ones after it wait — for at most `maxAttempts` attempts of the failing sink.
 * {@link Processor.deliver} gives an event to one sink alone (`dlq redrive --sink NAME`).
 */
import { randomBytes } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { ProcessorConfigError } from './errors.js';
import { formatProblems, parseGenesysEvent } from '../events/index.js';
import type { EventProblem, GenesysEvent } from '../events/index.js';
import { classifyError, describeError, shortTransientError, TransientProcessingError } from './errors.js';
import type { FailureCounter } from './failure-counter.js';
import { noopLogger } from './logger.js';
import type { ProcessingLogger } from './logger.js';
import type { ParsedEventHandoff } from './parsed-events.js';
import { EMPTY_DIRECTORY } from '../directory/ports.js';
import type { DirectoryLookup } from '../directory/ports.js';
import { isClaimingSink } from './claims.js';
import type { DeliveryContext, Sink } from './sink.js';
import { deadLetterEntry } from './stores/dead-letter.js';
import type { DeadLetterEntry, DeadLetterStore } from './stores/dead-letter.js';

/** Default idempotency expiry: 7 days, beyond Genesys's 4-day re-send window. */
export const DEFAULT_IDEMPOTENCY_EXPIRES_AFTER_SECONDS = 7 * 24 * 3600;

/** Genesys queues and re-sends events for up to 4 days; records must outlive that. */
export const GENESYS_RESEND_WINDOW_SECONDS = 4 * 24 * 3600;

/** Prefix of idempotency keys: stable across function names, so renaming a Lambda keeps its records. */
export const IDEMPOTENCY_KEY_PREFIX = 'genesys-event';

/** Input of the processor (one Map iteration, or the direct workflow's Process state). */
export interface ProcessRequest {
  messageId: string;
  receiveCount?: number;
  /** The EventBridge event (parsed JSON, as the validator passed it). */
  event: unknown;
}

/** Outcome of one event. */
export type ProcessStatus = 'processed' | 'duplicate' | 'dead-lettered';

/** Output of the processor. */
export interface ProcessResult {
  messageId: string;
  status: ProcessStatus;
  /** The event's idempotency key (absent only if the event did not parse). */
  key?: string;
  /** For `dead-lettered`: the dead-letter entry id (the first, when several sinks gave up). */
  deadLetterId?: string;
  /** The sinks that gave up on the event, each with its entry (the other sinks processed it). */
  sinks?: Array<{ sink: string; deadLetterId: string }>;
}

/** The minimal Lambda context Powertools uses to bound an in-progress record. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** Options of {@link createProcessor}. */
export interface ProcessorOptions {
  /** Powertools persistence: `DynamoDBPersistenceLayer` on AWS, {@link SqliteIdempotencyPersistenceLayer} locally. */
  persistenceStore: BasePersistenceLayer;
  /** The business logic, in order (put the `ProjectionSink` first: each event into its family's projection). */
  sinks: readonly Sink[];
  /** Names for the sinks' context (`context.directory`); default: a directory with no entries. */
  directory?: DirectoryLookup;
  deadLetters: DeadLetterStore;
  /** Idempotency record lifetime (default 7 days; must exceed the 4-day Genesys re-send window). */
  expiresAfterSeconds?: number;
  /**
   * Without a Lambda context (locally): how long an in-progress record blocks other attempts of
   * the same event before it counts as abandoned (default 60 s).
   */
  inProgressTimeoutMs?: number;
  logger?: ProcessingLogger;
  /**
   * When the validator runs in this process: takes the events it parsed instead of parsing them
   * again (see {@link ParsedEventHandoff}); an event that differs from the validated one is parsed.
   */
  parsedEvents?: ParsedEventHandoff;
  /**
   * Count transient failures per event key and dead-letter the event on the attempt that reaches
   * `maxAttempts` (buffered mode, where failed events return to the queue). Without it, a
   * transient failure always leaves as an error.
   */
  failures?: { counter: FailureCounter; maxAttempts: number };
}

/**
 * What Powertools sees of an event: `key` is hashed into the record id (`eventKeyJmesPath`);
 * `nonce` tells a replay from a fresh run; `eventTime` (conversation events) lets the SQLite
 * persistence layer order record ids by time (DynamoDB's ignores it).
 */
interface IdempotentPayload {
  key: string;
  nonce: string;
  context: DeliveryContext;
  eventTime?: number;
}

/**
 * The stored result of a processed event: only the nonce (the record's `expiration` already says
 * when it completed: expiry − `expiresAfterSeconds`). Records written by earlier versions also
 * hold a `processedAt`, which nothing reads.
 */
interface StoredResult {
  nonce: string;
}

/** The processor returned by {@link createProcessor}. */
export interface Processor {
  /** Processes one event. `lambdaContext`: the Lambda context when running in Lambda. */
  process(request: ProcessRequest, lambdaContext?: RemainingTime): Promise<ProcessResult>;
  /**
   * Gives an event to one sink alone, without the idempotency record (a redrive of that sink's
   * dead letter: the event is done for the others). `processed`, or `dead-lettered` again (its
   * entry replaced) when the sink fails permanently; a transient failure throws a short
   * {@link TransientProcessingError}.
   *
   * @throws ProcessorConfigError when no sink has that name.
   */
  deliver(request: ProcessRequest, sinkName: string): Promise<ProcessResult>;
}

/**
 * Creates the processor.
 *
 * @example
 * const processor = createProcessor({
 *   persistenceStore: new DynamoDBPersistenceLayer({ tableName }),
 *   sinks: [new ProjectionSink({ conversations, agentStates, audits, transcripts, genericEvents })],
 *   deadLetters,
 * });
 * const { status } = await processor.process({ messageId, event }); // 'processed' | 'duplicate' | 'dead-lettered'
 */
export function createProcessor(options: ProcessorOptions): Processor {
  const expiresAfterSeconds = options.expiresAfterSeconds ?? DEFAULT_IDEMPOTENCY_EXPIRES_AFTER_SECONDS;
  if (!Number.isInteger(expiresAfterSeconds) || expiresAfterSeconds <= GENESYS_RESEND_WINDOW_SECONDS) {
    throw new ProcessorConfigError(
      `The idempotency expiry must be an integer number of seconds above ${GENESYS_RESEND_WINDOW_SECONDS} (Genesys re-sends for up to 4 days), got ${String(expiresAfterSeconds)}; the default is ${DEFAULT_IDEMPOTENCY_EXPIRES_AFTER_SECONDS} (7 days).`,
    );
  }
  const failures = options.failures;
  if (failures && !(Number.isInteger(failures.maxAttempts) && failures.maxAttempts >= 1)) {
    throw new ProcessorConfigError(
      `failures.maxAttempts must be a positive integer (attempts before an event is dead-lettered), got ${String(failures.maxAttempts)}.`,
    );
  }
  const logger = options.logger ?? noopLogger;
  const inProgressTimeoutMs = options.inProgressTimeoutMs ?? 60_000;
  const localContext: RemainingTime = { getRemainingTimeInMillis: () => inProgressTimeoutMs };
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds, throwOnNoIdempotencyKey: true });
  const noncePrefix = randomBytes(12).toString('base64url');
  let calls = 0;

  const directory = options.directory ?? EMPTY_DIRECTORY;
  const [onlySink, ...otherSinks] = options.sinks;
  const claimer = onlySink && otherSinks.length === 0 && isClaimingSink(onlySink) ? onlySink : undefined;
  const sinkNames = new Set<string>();
  for (const sink of options.sinks) {
    if (sinkNames.has(sink.name))
      throw new ProcessorConfigError(
        `Two sinks are named "${sink.name}": names tell sinks apart in dead letters and redrives; rename one.`,
      );
    sinkNames.add(sink.name);
  }

  /** Dead-letters `event` for one sink. */
  const deadLetterForSink = async (
    request: ProcessRequest,
    event: GenesysEvent,
    sink: string,
    reason: string,
    errorName: string,
  ): Promise<string> => {
    const entry = eventDeadLetter(request, event, { reason, errorName, sink });
    await options.deadLetters.put(entry);
    logger.error('Event dead-lettered for one sink', {
      messageId: request.messageId,
      deadLetterId: entry.id,
      sink,
      reason,
    });
    return entry.id;
  };

  const runSinks = async (event: GenesysEvent, data: IdempotentPayload): Promise<StoredResult> => {
    // The directory joins the context here, outside the payload Powertools sees.
    const context = { ...data.context, directory };
    const request: ProcessRequest = {
      messageId: data.context.messageId,
      receiveCount: data.context.receiveCount,
      event: event.envelope,
    };
    const deadLettered: Array<{ sink: string; deadLetterId: string }> = [];
    // In order. A sink that gives up on the event (permanently, or at its limit of transient
    // failures) does not hold up the ones after it; a transient failure below the limit does,
    // until the retry: a later sink may rely on the earlier ones having run.
    for (const sink of options.sinks) {
      try {
        await sink.handle(event, context);
        continue;
      } catch (error) {
        const cause = rootCause(error);
        const errorName = cause instanceof Error ? cause.name : 'Error';
        if (classifyError(cause) === 'permanent') {
          const reason = `Sink "${sink.name}" failed permanently: ${describeError(cause)}`;
          deadLettered.push({
            sink: sink.name,
            deadLetterId: await deadLetterForSink(request, event, sink.name, reason, errorName),
          });
          continue;
        }
        // "Another attempt of this event is in progress" is not a failure of the sink.
        if (failures && errorName !== 'IdempotencyAlreadyInProgressError') {
          const counterKey = `${event.key}@${sink.name}`;
          const count = await failures.counter.increment(counterKey);
          if (count >= failures.maxAttempts) {
            const reason = `Sink "${sink.name}" failed ${count} times (the limit is ${failures.maxAttempts} attempts across deliveries); the last error: ${describeError(cause)}`;
            deadLettered.push({
              sink: sink.name,
              deadLetterId: await deadLetterForSink(request, event, sink.name, reason, errorName),
            });
            await failures.counter.reset(counterKey);
            continue;
          }
          throw new SinkRetryError(sink.name, cause, true);
        }
        throw new SinkRetryError(sink.name, cause, false);
      }
    }
    // Not stored as done when a sink gave up: the whole event, delivered again (a replay, an
    // event put back on the bus), runs every sink again.
    if (deadLettered.length) throw new SinksGaveUp(deadLettered);
    return { nonce: data.nonce };
  };

  const idempotentRun = makeIdempotent(runSinks, {
    persistenceStore: options.persistenceStore,
    config,
    keyPrefix: IDEMPOTENCY_KEY_PREFIX,
    dataIndexArgument: 1,
  });

  const deadLetter = async (
    request: ProcessRequest,
    reason: string,
    fields: { errorName?: string; event?: GenesysEvent; problems?: EventProblem[] },
  ): Promise<ProcessResult> => {
    const event = fields.event;
    const entry = event
      ? eventDeadLetter(request, event, { reason, ...(fields.errorName ? { errorName: fields.errorName } : {}) })
      : deadLetterEntry({
          stage: 'process',
          reason,
          body: request.event,
          messageId: request.messageId,
          ...(request.receiveCount !== undefined ? { receiveCount: request.receiveCount } : {}),
          ...(fields.errorName ? { errorName: fields.errorName } : {}),
          ...(fields.problems ? { problems: fields.problems } : {}),
        });
    await options.deadLetters.put(entry);
    logger.error('Event dead-lettered', { messageId: request.messageId, deadLetterId: entry.id, reason });
    return {
      messageId: request.messageId,
      status: 'dead-lettered',
      ...(event ? { key: event.key } : {}),
      deadLetterId: entry.id,
    };
  };

  /**
   * An event whose processing threw: dead-lettered when the cause is permanent or its failures
   * reach the limit, else a short transient error for the state machine to retry.
   */
  const failed = async (request: ProcessRequest, event: GenesysEvent, error: unknown): Promise<ProcessResult> => {
    if (error instanceof SinksGaveUp) {
      const given = error.deadLettered;
      return {
        messageId: request.messageId,
        status: 'dead-lettered',
        key: event.key,
        deadLetterId: given[0]!.deadLetterId,
        sinks: [...given],
      };
    }
    const cause = rootCause(error);
    const errorName = cause instanceof Error ? cause.name : 'Error';
    let count: number | undefined;
    try {
      if (classifyError(cause) === 'permanent') {
        return await deadLetter(request, `Processing failed permanently: ${describeError(cause)}`, {
          errorName,
          event,
        });
      }
      // Another attempt of this very event holds the lock: not a failure of the event. Sinks'
      // failures were counted per sink already.
      if (
        failures &&
        errorName !== 'IdempotencyAlreadyInProgressError' &&
        !(
          cause instanceof SinkRetryError &&
          (cause.counted || (cause.error instanceof Error && cause.error.name === 'IdempotencyAlreadyInProgressError'))
        )
      ) {
        count = await failures.counter.increment(event.key);
        if (count >= failures.maxAttempts) {
          const result = await deadLetter(
            request,
            `Processing failed ${count} times (the limit is ${failures.maxAttempts} attempts across deliveries); the last error: ${describeError(cause)}`,
            { errorName, event },
          );
          await failures.counter.reset(event.key);
          return result;
        }
      }
    } catch (storeError) {
      // The dead-letter store or the counter failed too: leave (short) for a retry.
      throw shortTransientError(`${describeError(cause)}; then ${describeError(storeError)}`, storeError);
    }
    logger.warn('Transient processing error; the state machine retries', {
      messageId: request.messageId,
      key: event.key,
      error: describeError(cause),
      ...(count !== undefined ? { failures: count } : {}),
    });
    throw shortTransientError(describeError(cause), cause);
  };

  /** The request's event parsed, or the result of dead-lettering it when it is invalid. */
  const parse = async (request: ProcessRequest): Promise<GenesysEvent | ProcessResult> => {
    const event = options.parsedEvents?.take(request.messageId, request.event);
    if (event !== undefined) return event;
    const parsed = parseGenesysEvent((request.event ?? null) as object);
    if (parsed.ok) return parsed.event;
    return deadLetter(request, `Invalid Genesys event reached the processor: ${formatProblems(parsed.problems)}`, {
      problems: parsed.problems,
    }).catch((error: unknown) => {
      throw shortTransientError(`Dead-lettering an invalid event failed: ${describeError(error)}`, error);
    });
  };

  return {
    async process(request: ProcessRequest, lambdaContext?: RemainingTime): Promise<ProcessResult> {
      const event = await parse(request);
      if (!isEvent(event)) return event;
      const key = event.key;
      const nonce = noncePrefix + (calls++).toString(36);
      config.registerLambdaContext((lambdaContext ?? localContext) as never);
      const context: DeliveryContext = { messageId: request.messageId, receiveCount: request.receiveCount ?? 1 };
      if (claimer?.claims(event)) {
        try {
          const first = await claimer.applyOnce(event, { ...context, directory });
          return { messageId: request.messageId, status: first ? 'processed' : 'duplicate', key };
        } catch (error) {
          return failed(request, event, error);
        }
      }
      const payload: IdempotentPayload =
        event.kind === 'conversation' ? { key, nonce, context, eventTime: event.eventTime } : { key, nonce, context };
      try {
        const stored = (await idempotentRun(event, payload)) as StoredResult;
        return { messageId: request.messageId, status: stored.nonce === nonce ? 'processed' : 'duplicate', key };
      } catch (error) {
        return failed(request, event, error);
      }
    },

    async deliver(request: ProcessRequest, sinkName: string): Promise<ProcessResult> {
      const sink = options.sinks.find((s) => s.name === sinkName);
      if (!sink)
        throw new ProcessorConfigError(
          `No sink is named "${sinkName}"; this processor's sinks are ${options.sinks.map((s) => `"${s.name}"`).join(', ')}. Start the pipeline with that sink to redrive to it.`,
        );
      const event = await parse(request);
      if (!isEvent(event)) return event;
      const context = { messageId: request.messageId, receiveCount: request.receiveCount ?? 1, directory };
      try {
        await sink.handle(event, context);
        return { messageId: request.messageId, status: 'processed', key: event.key };
      } catch (error) {
        const cause = rootCause(error);
        if (classifyError(cause) !== 'permanent') throw shortTransientError(describeError(cause), cause);
        const deadLetterId = await deadLetterForSink(
          request,
          event,
          sink.name,
          `Sink "${sink.name}" failed permanently: ${describeError(cause)}`,
          cause instanceof Error ? cause.name : 'Error',
        );
        return {
          messageId: request.messageId,
          status: 'dead-lettered',
          key: event.key,
          deadLetterId,
          sinks: [{ sink: sink.name, deadLetterId }],
        };
      }
    },
  };
}

function isEvent(value: GenesysEvent | ProcessResult): value is GenesysEvent {
  return 'envelope' in value;
}

/** The dead-letter entry of a parsed event (for one sink, or as a whole). */
function eventDeadLetter(
  request: ProcessRequest,
  event: GenesysEvent,
  fields: { reason: string; errorName?: string; sink?: string },
): DeadLetterEntry {
  return deadLetterEntry({
    stage: 'process',
    reason: fields.reason,
    body: request.event,
    messageId: request.messageId,
    ...(request.receiveCount !== undefined ? { receiveCount: request.receiveCount } : {}),
    ...(fields.errorName ? { errorName: fields.errorName } : {}),
    ...(fields.sink !== undefined ? { sink: fields.sink } : {}),
    eventKey: event.key,
    topic: event.genericTopic,
    ...(event.kind === 'conversation' || event.kind === 'transcription'
      ? { conversationId: event.conversationId }
      : {}),
  });
}

/**
 * A sink failed transiently (below its limit, when counted): the attempt fails and the event is
 * retried. `counted`: the failure is already counted under the event and sink.
 */
class SinkRetryError extends TransientProcessingError {
  constructor(
    readonly sink: string,
    readonly error: unknown,
    readonly counted: boolean,
  ) {
    super(`sink "${sink}": ${describeError(error)}`, { cause: error });
  }
}

/** Sinks gave up on the event (each dead-lettered it for itself); the others processed it. */
class SinksGaveUp extends Error {
  override readonly name = 'SinksGaveUp';
  constructor(readonly deadLettered: ReadonlyArray<{ sink: string; deadLetterId: string }>) {
    super(`Sinks ${deadLettered.map((d) => `"${d.sink}"`).join(', ')} dead-lettered the event.`);
  }
}

/**
 * Powertools wraps idempotency-store failures in `IdempotencyPersistenceLayerError`; classify
 * them by the store's own error (throttling: transient; a missing table: permanent).
 */
function rootCause(error: unknown): unknown {
  if (error instanceof Error && error.name === 'IdempotencyPersistenceLayerError' && error.cause instanceof Error)
    return error.cause;
  return error;
}
