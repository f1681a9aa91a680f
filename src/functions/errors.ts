/**
 * Typed errors of the Lambda entry points: a deployment that configured a function wrongly.
 */

/** Base class: anything the Lambda entry points throw on purpose. */
export class FunctionsError extends Error {
  override readonly name: string = 'FunctionsError';
}

/** A missing or malformed environment variable. */
export class FunctionConfigError extends FunctionsError {
  override readonly name = 'FunctionConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}
