/**
 * What the state machine definition (`src/workflow`) and the functions it calls (`src/processing`,
 * deployed by `src/functions`) agree on: the placeholder each function's ARN takes in the
 * definition, the error names the definition's `Retry` matches, and the shape of a function run in
 * process.
 */
import type { JsonValue } from './json.js';

/** The substitution placeholders (without `${}`) of the Lambda functions, by role. */
export const FUNCTION_PLACEHOLDERS = {
  validator: 'ValidatorFunctionArn',
  processor: 'ProcessorFunctionArn',
  batchReporter: 'BatchReporterFunctionArn',
  failureRecorder: 'FailureRecorderFunctionArn',
} as const;

/** The error name (Lambda `errorType`) that the state machine retries. */
export const TRANSIENT_ERROR_NAME = 'TransientProcessingError';

/** The error name of a failure that must not be retried. */
export const PERMANENT_ERROR_NAME = 'PermanentProcessingError';

/** An in-process stand-in for one Lambda function: payload in, result out (or a thrown error). */
export type LocalLambdaHandler = (payload: JsonValue) => Promise<JsonValue | undefined> | JsonValue | undefined;
