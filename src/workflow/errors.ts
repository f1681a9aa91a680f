/**
 * Typed errors of the workflow module: bad definition options, a definition the local executors
 * cannot run, an execution that did not succeed. (The errors states raise inside an execution,
 * named as Step Functions names them, are in `state-errors.ts`.)
 */

/** Base class: anything the workflow module throws on purpose. */
export class WorkflowError extends Error {
  override readonly name: string = 'WorkflowError';
}

/** Invalid {@link WorkflowOptions} of `buildStateMachineDefinition`. */
export class WorkflowOptionsError extends WorkflowError {
  override readonly name = 'WorkflowOptionsError';
  constructor(
    /** The option at fault, e.g. `maxConcurrency`. */
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** An execution that did not succeed: `error` and `cause` as Step Functions reports them. */
export class WorkflowExecutionError extends WorkflowError {
  override readonly name = 'WorkflowExecutionError';
  constructor(
    /** The state error (e.g. `TransientProcessingError`, `States.Timeout`, `ExecutionAborted`). */
    readonly error: string,
    /** The cause text (for Lambda errors, the `{"errorType","errorMessage","trace"}` JSON). */
    override readonly cause: string,
  ) {
    super(`Execution failed with ${error}: ${cause}`);
  }
}

/** The definition references a function with no handler, or is otherwise unusable locally. */
export class LocalExecutorConfigError extends WorkflowError {
  override readonly name = 'LocalExecutorConfigError';
}

/** A definition uses a path or template this compiler does not support. */
export class UnsupportedPathError extends WorkflowError {
  override readonly name = 'UnsupportedPathError';
}
