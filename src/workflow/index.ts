/**
 * The Amazon States Language definitions (one source for CDK and the local runtime) and the
 * local executor that runs them with in-process Lambda handlers.
 */
export type { AslDefinition, AslState, AslRetrier, AslCatcher, JsonValue, JsonObject } from './asl.js';
export {
  buildStateMachineDefinition,
  definitionPlaceholders,
  placeholder,
  FUNCTION_PLACEHOLDERS,
  STATE_NAMES,
  LAMBDA_INVOKE_RESOURCE,
  LAMBDA_SERVICE_ERRORS,
  WORKFLOW_DEFAULTS,
  MAX_INLINE_MAP_CONCURRENCY,
  WorkflowOptionsError,
} from './definition.js';
export type { WorkflowMode, WorkflowOptions } from './definition.js';
export { LocalWorkflowExecutor, WorkflowExecutionError, LocalExecutorConfigError } from './executor.js';
export type { LocalLambdaHandler, ConcurrencyLimit, LocalExecutorOptions, ExecuteOptions, ExecutorStats, FunctionStats } from './executor.js';
