/**
 * Typed errors of the EventBridge semantics module, shaped like the errors Amazon EventBridge
 * returns: an error `code` (the AWS exception name), the HTTP status AWS answers with, and
 * AWS's own message text, so a local run fails the way a deployment would. Also the failure a
 * rule target reports on purpose ({@link TargetDeliveryError}).
 */

/** Base class: anything the EventBridge module throws on purpose. */
export class EventBridgeError extends Error {
  override readonly name: string = 'EventBridgeError';
}

/** Where in the pattern text a problem was found (1-based, as Jackson, AWS's JSON parser, counts). */
export interface PatternTextLocation {
  line: number;
  column: number;
}

/**
 * An event pattern is not valid. `message` is AWS's text,
 * `Event pattern is not valid. Reason: <reason>`, exactly as `TestEventPattern` and `PutRule`
 * answer; `awsMessage` adds the parser location AWS appends to most reasons
 * (`\n at [Source: (String)"…"; line: 1, column: 11]`).
 *
 * @example
 * try {
 *   compileEventPattern('{"source": "aws.partner"}');
 * } catch (error) {
 *   if (error instanceof InvalidEventPatternException) console.error(error.message);
 *   // Event pattern is not valid. Reason: "source" must be an object or an array
 * }
 */
export class InvalidEventPatternException extends EventBridgeError {
  override readonly name = 'InvalidEventPatternException' as const;
  /** The AWS error code. */
  readonly code = 'InvalidEventPatternException' as const;
  /** The HTTP status AWS answers with. */
  readonly httpStatus = 400;
  /** The part after `Reason: `, without any location. */
  readonly reason: string;
  /** The message as AWS sends it, including the parser location(s) where AWS adds them. */
  readonly awsMessage: string;
  /** Where in the pattern text the problem was detected, when AWS reports a location. */
  readonly location: PatternTextLocation | undefined;

  constructor(reason: string, options: { locationText?: string; location?: PatternTextLocation } = {}) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.reason = reason;
    this.location = options.location;
    this.awsMessage = `${this.message}${options.locationText ?? ''}`;
  }
}

/**
 * A request parameter AWS would reject with `ValidationException` (HTTP 400): an event that
 * `TestEventPattern` cannot accept, or a target input configuration that `PutTargets` refuses.
 *
 * @example
 * validateTargetInput({ Id: 't1', Input: '{}', InputPath: '$.detail' });
 * // throws EventBridgeValidationException:
 * // Only one of Input, InputPath, or InputTransformer must be provided for target t1.
 */
export class EventBridgeValidationException extends EventBridgeError {
  override readonly name = 'ValidationException' as const;
  /** The AWS error code. */
  readonly code = 'ValidationException' as const;
  /** The HTTP status AWS answers with. */
  readonly httpStatus = 400;

  constructor(message: string) {
    super(message);
  }
}

/** Base of the bus errors: an AWS error `code` and its HTTP status. */
export class EventBusError extends EventBridgeError {
  override readonly name: string = 'EventBusError';
  constructor(
    message: string,
    /** The AWS error code, e.g. `ResourceNotFoundException`. */
    readonly code: string,
    /** The HTTP status AWS answers with. */
    readonly httpStatus = 400,
  ) {
    super(message);
  }
}

/** A bus or rule that does not exist (AWS `ResourceNotFoundException`). */
export class EventBusResourceNotFoundException extends EventBusError {
  override readonly name = 'ResourceNotFoundException';
  constructor(message: string) {
    super(message, 'ResourceNotFoundException');
  }
}

/** A bus that already exists (AWS `ResourceAlreadyExistsException`). */
export class EventBusResourceAlreadyExistsException extends EventBusError {
  override readonly name = 'ResourceAlreadyExistsException';
  constructor(message: string) {
    super(message, 'ResourceAlreadyExistsException');
  }
}

/** Over an EventBridge quota, e.g. a sixth target on a rule (AWS `LimitExceededException`). */
export class EventBusLimitExceededException extends EventBusError {
  override readonly name = 'LimitExceededException';
  constructor(message: string) {
    super(message, 'LimitExceededException');
  }
}

/**
 * The error codes EventBridge puts in `ERROR_CODE` on a dead-lettered event (EventBridge User
 * Guide, "Using dead-letter queues to process undelivered events").
 */
export type DeadLetterErrorCode =
  | 'CONNECTION_FAILURE'
  | 'CROSS_ACCOUNT_INGESTION_FAILED'
  | 'CROSS_REGION_INGESTION_FAILED'
  | 'ERROR_FROM_TARGET'
  | 'EVENTS_IN_BATCH_REQUEST_REJECTED'
  | 'FAILED_TO_ASSUME_ROLE'
  | 'INTERNAL_ERROR'
  | 'INVALID_JSON'
  | 'INVALID_PARAMETER'
  | 'NO_PERMISSIONS'
  | 'NO_RESOURCE'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RESOURCE_LIMIT_EXCEEDED'
  | 'RESOURCE_MODIFICATION_COLLISION'
  | 'SDK_CLIENT_ERROR'
  | 'THIRD_ACCOUNT_HOP_DETECTED'
  | 'THIRD_REGION_HOP_DETECTED'
  | 'THROTTLING'
  | 'TIMEOUT'
  | 'TRANSIENT_ASSUME_ROLE'
  | 'UNKNOWN';

/**
 * A delivery failure a target reports on purpose, with the EventBridge error code. Any other
 * thrown error counts as `ERROR_FROM_TARGET`, retryable. A non-retryable failure (like AWS's
 * missing permission or deleted resource) goes to the dead-letter queue at once.
 *
 * @example
 * throw new TargetDeliveryError('THROTTLING', 'state machine is at its concurrency limit');
 * throw new TargetDeliveryError('NO_RESOURCE', 'state machine deleted', { retryable: false });
 */
export class TargetDeliveryError extends EventBridgeError {
  override readonly name = 'TargetDeliveryError';
  readonly retryable: boolean;
  constructor(
    readonly errorCode: DeadLetterErrorCode,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable ?? true;
  }
}

// The pattern reader's own failures: the pattern compiler turns each into an
// InvalidEventPatternException with AWS's reason and location.

/** A malformed-JSON (or pattern-structure) problem at a position of the text. */
export class JsonReadError extends EventBridgeError {
  override readonly name = 'JsonReadError';
  constructor(
    /** The problem, without location. */
    readonly reason: string,
    /** `\n at [Source: …; line: L, column: C]`, as Jackson appends it. */
    readonly locationText: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason}${locationText}`);
  }
}

/** Thrown for a malformed `cidr` value; `message` is AWS's reason text. */
export class CidrError extends EventBridgeError {
  override readonly name = 'CidrError';
}

/** Invalid wildcard syntax; `message` is AWS's reason. */
export class WildcardSyntaxError extends EventBridgeError {
  override readonly name = 'WildcardSyntaxError';
}
