/**
 * Typed errors of the EventBridge semantics module, shaped like the errors Amazon EventBridge
 * returns: an error `code` (the AWS exception name), the HTTP status AWS answers with, and
 * AWS's own message text, so a local run fails the way a deployment would.
 */

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
export class InvalidEventPatternException extends Error {
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
export class EventBridgeValidationException extends Error {
  override readonly name = 'ValidationException' as const;
  /** The AWS error code. */
  readonly code = 'ValidationException' as const;
  /** The HTTP status AWS answers with. */
  readonly httpStatus = 400;

  constructor(message: string) {
    super(message);
  }
}
