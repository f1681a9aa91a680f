/**
 * Typed errors of the processing core, and the classification of every error the processor meets.
 *
 * Every error the processor meets is either **transient** — retrying may succeed (throttling, a
 * network blip, an idempotency record still in progress) — or **permanent** — retrying cannot
 * help (a bug, data the business logic rejects). Transient errors are thrown out of the Lambda
 * under the name {@link TRANSIENT_ERROR_NAME}, which the state machine's `Retry` matches;
 * permanent errors are dead-lettered with their reason and never retried.
 */

import { PERMANENT_ERROR_NAME, TRANSIENT_ERROR_NAME } from '../contract/index.js';

/** Base class: anything the processing core throws on purpose. */
export class ProcessingError extends Error {
  override readonly name: string = 'ProcessingError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A failure that may succeed when retried. Throw it from a sink or store to ask for a retry.
 *
 * @example
 * if (response.status === 429) throw new TransientProcessingError('CRM throttled the update (HTTP 429); will retry.');
 */
export class TransientProcessingError extends ProcessingError {
  override readonly name = TRANSIENT_ERROR_NAME;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A failure that retrying cannot fix: the event is dead-lettered with this message as the reason.
 *
 * @example
 * if (response.status === 400) throw new PermanentProcessingError('CRM rejected the update (HTTP 400): unknown contact.');
 */
export class PermanentProcessingError extends ProcessingError {
  override readonly name = PERMANENT_ERROR_NAME;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Invalid {@link ProcessorOptions}. */
export class ProcessorConfigError extends ProcessingError {
  override readonly name = 'ProcessorConfigError';
}

/** Raised for an empty fact set or facts of several conversations. */
export class ProjectionError extends ProcessingError {
  override readonly name = 'ProjectionError';
}

/** Invalid {@link WebhookSinkOptions}. */
export class WebhookSinkConfigError extends ProcessingError {
  override readonly name = 'WebhookSinkConfigError';
}

/** Invalid {@link EventBusSinkOptions}. */
export class EventBusSinkConfigError extends ProcessingError {
  override readonly name = 'EventBusSinkConfigError';
}

/** The database was written by a newer version of this package. */
export class ConversationSchemaError extends ProcessingError {
  override readonly name = 'ConversationSchemaError';
}

/** The validator's input is not what a Pipe or a rule delivers: a deployment mistake, not bad data. */
export class ValidatorInputError extends ProcessingError {
  override readonly name = 'ValidatorInputError';
}

/** Whether an error is worth retrying. */
export type ErrorClass = 'transient' | 'permanent';

/** AWS SDK v3 error names that mean "slow down / try again" even without `$retryable`. */
const TRANSIENT_AWS_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Idempotency errors (Powertools) that clear up by themselves: another attempt is running or its store hiccupped. */
const TRANSIENT_IDEMPOTENCY_NAMES = new Set([
  'IdempotencyAlreadyInProgressError',
  'IdempotencyInconsistentStateError',
  'IdempotencyPersistenceLayerError',
]);

/** Network errors of Node.js (`error.code`). */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

/**
 * Classifies an error as transient or permanent.
 *
 * - our own {@link TransientProcessingError} / {@link PermanentProcessingError}: as named;
 * - Powertools idempotency "in progress"/store errors: transient;
 * - AWS SDK errors: transient when the SDK marks them retryable (`$retryable`), for throttling
 *   names, or for HTTP 5xx; other 4xx (e.g. `ValidationException`) are permanent;
 * - network errors (`ECONNRESET`, …) and SQLite busy: transient;
 * - programming errors (`TypeError`, `RangeError`, `SyntaxError`, `ReferenceError`): permanent —
 *   retrying runs the same bug again; the dead-letter entry lets you redrive after the fix;
 * - anything else: transient (bounded retries, then the queue redelivers and finally dead-letters).
 */
export function classifyError(error: unknown): ErrorClass {
  if (error instanceof PermanentProcessingError) return 'permanent';
  if (error instanceof TransientProcessingError) return 'transient';
  if (!(error instanceof Error)) return 'transient';
  if (error.name === PERMANENT_ERROR_NAME) return 'permanent';
  if (error.name === TRANSIENT_ERROR_NAME || TRANSIENT_IDEMPOTENCY_NAMES.has(error.name)) return 'transient';
  const sdk = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: unknown };
  if (sdk.$retryable) return 'transient';
  if (TRANSIENT_AWS_NAMES.has(error.name)) return 'transient';
  if (typeof sdk.code === 'string' && TRANSIENT_CODES.has(sdk.code)) return 'transient';
  const status = sdk.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status >= 500 || status === 429 ? 'transient' : 'permanent';
  if (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof SyntaxError ||
    error instanceof ReferenceError
  ) {
    return 'permanent';
  }
  return 'transient';
}

/**
 * The longest error message the processing core lets out of a function. Step Functions records
 * a Lambda error's message (and stack) as the state's cause, and the buffered Map keeps that
 * cause in the item's outcome: bounded messages keep a batch's output small however many fail.
 */
export const MAX_ERROR_MESSAGE_CHARS = 160;

/** `text` cut to at most `max` characters, ending in `…` when cut. */
export function truncateText(text: string, max = MAX_ERROR_MESSAGE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A {@link TransientProcessingError} fit to leave a function: its message at most
 * {@link MAX_ERROR_MESSAGE_CHARS} characters and its stack only its name (the Lambda runtime
 * reports both as the state's cause, about 250 characters in all; the full error stays in
 * `cause` and in the function's log).
 *
 * @example
 * throw shortTransientError(describeError(error), error);
 */
export function shortTransientError(message: string, cause?: unknown): TransientProcessingError {
  const error = new TransientProcessingError(truncateText(message), cause === undefined ? undefined : { cause });
  error.stack = error.name;
  return error;
}

/** `Name: message` of an error, or a short description of a non-error value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `non-error value thrown: ${typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error))}`;
}

/**
 * A sink module that does not export a usable {@link Sink}, or sinks whose names clash. The
 * message names the module and says what it must export.
 */
export class SinkModuleError extends ProcessingError {
  override readonly name = 'SinkModuleError';
}

/** The database was written by a newer version of this package. */
export class ProjectionSchemaError extends ProcessingError {
  override readonly name = 'ProjectionSchemaError';
}

/**
 * The data lake sink cannot start or write: a lake directory that cannot be created or written
 * (`run --lake-dir`), or a Firehose sink without a stream name. The message says which and how to fix it.
 */
export class LakeSinkError extends ProcessingError {
  override readonly name = 'LakeSinkError';
}
