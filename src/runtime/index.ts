/**
 * `genesys-event-pipeline/runtime` — the local runtime: the whole pipeline in one process on
 * SQLite (`genesys-pipeline run`), and the operator's actions on it (dead letters, replay).
 */
export { startRuntime } from './runtime.js';
export type { Runtime, RuntimeExtras } from './runtime.js';
export { resolveRuntimeOptions, RUNTIME_DEFAULTS } from './options.js';
export type { RuntimeOptions, ResolvedRuntimeOptions } from './options.js';
export type { LocalPipeline, PipelineHooks } from './pipeline.js';
export type { OutcomeSink } from './instrumentation.js';
export type { StatusOutput } from './status.js';
export { withBearerToken } from './auth.js';
export { loadSinkModules } from './sink-modules.js';
export type { SinkModuleSource } from './sink-modules.js';
export type { PipelineAdmin, DeadLetterListing } from './admin.js';
export { withPipelineAdmin } from './admin-client.js';
export type { AdminApi } from './admin-client.js';
export { DEAD_LETTER_KINDS } from './dead-letters.js';
export type {
  DeadLetterKind,
  DeadLetterSummary,
  DeadLetterDetail,
  RedriveRequest,
  RedriveResult,
  AdminProgress,
  AdminActionOptions,
} from './dead-letters.js';
export {
  LocalRuntimeError,
  RuntimeOptionsError,
  CommitFailedError,
  DeadLetterNotFoundError,
  AdminRequestError,
  AdminError,
  ProcessingUnavailableError,
  CorruptDatabaseError,
} from './errors.js';
export { DataDirLockedError } from './lock.js';
export type { LockInfo } from './lock.js';
