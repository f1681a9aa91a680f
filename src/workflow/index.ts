/**
 * The Amazon States Language definitions (one source for CDK and the local runtime) and the two
 * local executors that run them with in-process Lambda handlers: {@link FastWorkflowExecutor}
 * (compiled, what the runtime uses) and {@link LocalWorkflowExecutor} (the reference, on
 * `aws-local-stepfunctions`).
 */
export type { AslDefinition, AslState, AslRetrier, AslCatcher, JsonValue, JsonObject } from './asl.js';
export {
  buildStateMachineDefinition,
  definitionPlaceholders,
  placeholder,
  STATE_NAMES,
  LAMBDA_INVOKE_RESOURCE,
  LAMBDA_SERVICE_ERRORS,
  WORKFLOW_DEFAULTS,
  MAX_INLINE_MAP_CONCURRENCY,
} from './definition.js';
export type { WorkflowOptions } from './definition.js';
export { FUNCTION_PLACEHOLDERS } from '../contract/index.js';
export type { LocalLambdaHandler, WorkflowMode } from '../contract/index.js';
export { LocalWorkflowExecutor } from './reference-executor.js';
export { FastWorkflowExecutor } from './fast-executor.js';
export { createWorkflowExecutor, WORKFLOW_EXECUTORS } from './executor-kinds.js';
export type { WorkflowExecutorKind } from './executor-kinds.js';
export { WorkflowError, WorkflowExecutionError, LocalExecutorConfigError, WorkflowOptionsError } from './errors.js';
export type {
  ConcurrencyLimit,
  LocalExecutorOptions,
  ExecuteOptions,
  ExecutorStats,
  FunctionStats,
  WorkflowExecutor,
} from './local-functions.js';
