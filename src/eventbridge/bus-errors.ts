/**
 * Errors of the local event bus's control plane (buses, rules, targets), with the AWS error
 * code and HTTP status EventBridge answers the same mistake with. `ValidationException` and
 * `InvalidEventPatternException` come from `./errors.js`.
 */

/** Base of the bus errors: an AWS error `code` and its HTTP status. */
export class EventBusError extends Error {
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
