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
  FUNCTION_PLACEHOLDERS,
  STATE_NAMES,
  LAMBDA_INVOKE_RESOURCE,
  LAMBDA_SERVICE_ERRORS,
  WORKFLOW_DEFAULTS,
  MAX_INLINE_MAP_CONCURRENCY,
  WorkflowOptionsError,
  resolveWorkflowOptions,
} from './definition.js';
export type { WorkflowMode, WorkflowOptions, WorkflowRetry, ResolvedWorkflowOptions } from './definition.js';
export {
  resolveConcurrencyBound,
  factorBound,
  nearbyBounds,
  EVENT_SOURCE_CONCURRENCY_LIMITS,
  DEFAULT_MAX_PROCESSOR_CONCURRENCY,
  CONSTRUCT_BOUND_NAMES,
} from './concurrency-bound.js';
export type { ConcurrencyBound, ConcurrencyBoundInput, ConcurrencyBoundNames } from './concurrency-bound.js';
export {
  executionTimeBudget,
  maxEventsWithinBudget,
  retryBackoffSeconds,
  EXPRESS_MAX_DURATION_SECONDS,
} from './time-budget.js';
export type { ExecutionTimeBudget } from './time-budget.js';
export { LocalWorkflowExecutor } from './executor.js';
export { FastWorkflowExecutor } from './fast-executor.js';
export { createWorkflowExecutor, WORKFLOW_EXECUTORS } from './executors.js';
export type { WorkflowExecutorKind } from './executors.js';
export { WorkflowExecutionError, LocalExecutorConfigError } from './local-functions.js';
export type {
  LocalLambdaHandler,
  ConcurrencyLimit,
  LocalExecutorOptions,
  ExecuteOptions,
  ExecutorStats,
  FunctionStats,
  WorkflowExecutor,
} from './local-functions.js';
