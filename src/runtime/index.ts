/**
 * The local runtime: the whole pipeline in one process on SQLite (`genesys-pipeline run`), its
 * HTTP routes, the operator's actions (dead letters, replay) and the pieces it is built from.
 */
export { startRuntime, CONFIG_FILE } from './runtime.js';
export { applyRuntimeV8Flags } from './v8-flags.js';
export type { Runtime, RuntimeExtras } from './runtime.js';
export { resolveRuntimeOptions, ruleEventPattern, RUNTIME_DEFAULTS } from './options.js';
export type { RuntimeOptions, ResolvedRuntimeOptions } from './options.js';
export { LocalPipeline, PIPELINE_RESOURCES } from './pipeline.js';
export type { PipelineHooks } from './pipeline.js';
export { GroupCommit } from './group-commit.js';
export type { GroupCommitOptions, GroupCommitStats } from './group-commit.js';
export { DataDirLock, DataDirLockedError, LOCK_FILE } from './lock.js';
export type { LockInfo } from './lock.js';
export { PipePoller } from './pipe.js';
export type { PipeOptions, PipeObserver, PipeStats } from './pipe.js';
export { stateMachineTarget } from './state-machine-target.js';
export { instrumentFunctions } from './instrumentation.js';
export type { OutcomeSink, MessageContext, InstrumentedFunctions } from './instrumentation.js';
export { PipelineDeadLetters, DEAD_LETTER_KINDS } from './dead-letters.js';
export type {
  DeadLetterKind,
  DeadLetterSummary,
  DeadLetterDetail,
  RedriveRequest,
  RedriveResult,
} from './dead-letters.js';
export { PipelineAdmin, createAdminRoutes } from './admin.js';
export type { AdminRoutes, DeadLetterListing } from './admin.js';
export { BearerToken, withBearerToken, DASHBOARD_SESSION_COOKIE } from './auth.js';
export { formatStatus, StatusReporter } from './status.js';
export type { StatusOutput } from './status.js';
export { createHttpRoutes, MAX_CONVERSATION_LIMIT, DEFAULT_CONVERSATION_LIMIT } from './http-routes.js';
export type { HttpRoutes, HttpRoutesOptions, TelemetryReader } from './http-routes.js';
export { withPipelineAdmin } from './admin-client.js';
export {
  LocalRuntimeError,
  RuntimeOptionsError,
  CommitFailedError,
  DeadLetterNotFoundError,
  AdminRequestError,
  AdminError,
  ProcessingUnavailableError,
} from './errors.js';
export type { AdminApi } from './admin-client.js';
