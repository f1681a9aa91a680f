/**
 * `genesys-event-pipeline/workflow` — the Amazon States Language definitions (`buffered`,
 * `direct`; one source for CDK and the local runtime) and the two local executors that run them
 * with in-process Lambda handlers: {@link FastWorkflowExecutor} (compiled, what the runtime uses)
 * and {@link LocalWorkflowExecutor} (the reference, on `aws-local-stepfunctions`).
 */
export {
  buildStateMachineDefinition,
  definitionPlaceholders,
  placeholder,
  STATE_NAMES,
  WORKFLOW_DEFAULTS,
  MAX_INLINE_MAP_CONCURRENCY,
} from './definition.js';
export type { WorkflowOptions } from './definition.js';
export { FUNCTION_PLACEHOLDERS } from '../contract/index.js';
export type { JsonObject, JsonValue, LocalLambdaHandler, WorkflowMode } from '../contract/index.js';
export type { AslDefinition, AslState, AslRetrier, AslCatcher } from './asl.js';
export {
  resolveConcurrencyBound,
  EVENT_SOURCE_CONCURRENCY_LIMITS,
  DEFAULT_MAX_PROCESSOR_CONCURRENCY,
} from './concurrency-bound.js';
export type { ConcurrencyBound, ConcurrencyBoundInput } from './concurrency-bound.js';
export { executionTimeBudget, EXPRESS_MAX_DURATION_SECONDS } from './time-budget.js';
export type { ExecutionTimeBudget } from './time-budget.js';
export { FastWorkflowExecutor } from './fast-executor.js';
export { LocalWorkflowExecutor } from './reference-executor.js';
export { createWorkflowExecutor, WORKFLOW_EXECUTORS } from './executor-kinds.js';
export type { WorkflowExecutorKind } from './executor-kinds.js';
export type {
  ConcurrencyLimit,
  LocalExecutorOptions,
  ExecuteOptions,
  ExecutorStats,
  FunctionStats,
  WorkflowExecutor,
} from './local-functions.js';
export { WorkflowError, WorkflowOptionsError, WorkflowExecutionError, LocalExecutorConfigError } from './errors.js';
