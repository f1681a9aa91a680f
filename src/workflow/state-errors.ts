/**
 * The errors states raise in the fast executor, named as Step Functions names them.
 *
 * A state error has a name (what `Retry`/`Catch` `ErrorEquals` match and `Catch` puts in
 * `Error`) and a cause text (the error's `message`, what `Catch` puts in `Cause`). The texts of
 * the predefined errors are those of the reference executor (`aws-local-stepfunctions`), so the
 * two executors report the same error and cause for the same failure.
 */

/** `States.Runtime`: a path that finds nothing, a value of the wrong type. Neither retried nor caught (not even by `States.ALL`), as on AWS. */
export class StatesRuntimeError extends Error {
  override readonly name = 'States.Runtime';
}

/** `States.Timeout`: a Task ran longer than its `TimeoutSeconds`. `States.TaskFailed` does not match it. */
export class StatesTimeoutError extends Error {
  override readonly name = 'States.Timeout';
  constructor() {
    super('States.Timeout');
  }
}

/** `States.ResultPathMatchFailure`: `ResultPath` cannot be applied to the state's input (not an object). */
export class StatesResultPathMatchFailureError extends Error {
  override readonly name = 'States.ResultPathMatchFailure';
  constructor() {
    super('States.ResultPathMatchFailure');
  }
}

/** A `Fail` state: `name` is its `Error`, `message` its `Cause`. */
export class FailStateError extends Error {
  constructor(error: string | undefined, cause: string | undefined) {
    super(cause ?? 'Execution failed because of a Fail state');
    this.name = error ?? 'FailStateError';
  }
}

/** The error a handler's failure becomes, as Step Functions names it: `name` is the state error, `message` the cause. */
export class LambdaFunctionError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** The name and cause of any thrown value, as a state error. */
export function stateErrorOf(error: unknown): { name: string; cause: string } {
  if (error instanceof Error) return { name: error.name, cause: error.message };
  return { name: 'Error', cause: String(error) };
}

/**
 * Whether `Retry` and `Catch` may match the error at all: not `States.Runtime`. (A `Fail` state
 * has neither field, but its error can reach the `Retry`/`Catch` of the Map state it runs in.)
 */
export function isRecoverable(error: unknown): boolean {
  return !(error instanceof StatesRuntimeError);
}
