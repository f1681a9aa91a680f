/**
 * The local runtime behind `genesys-pipeline run`: the whole pipeline in one process, served on
 * one HTTP port — ingestion (bus, archive, queue, the pollers (E), HTTP) on the main thread with
 * `pipeline.sqlite`, processing (executor, handlers) on a worker thread with `processing.sqlite`.
 * `startRuntime` assembles the parts, each in a module of its own:
 *
 * - data-dir.ts — the private data directory and `pipeline.json`; lock.ts — its lock;
 * - recovery.ts — what a killed predecessor left (messages it had received become visible at
 *   once; idempotency records it left in progress are released);
 * - put-events-route.ts, request-guard.ts, http-server.ts — PutEvents, the Host and token checks,
 *   the dispatch to the routes (http-routes.ts, admin.ts);
 * - pipe.ts — the pollers (buffered mode); backlog-sampler.ts, status.ts — the gauges and the
 *   status line;
 * - shutdown.ts — `stop()` drains: new PutEvents get 503, executions in flight finish and are
 *   acknowledged, the last commit is made.
 *
 * The flow is drawn once, in docs/architecture.md ("Data flow", the one-machine side); the HTTP
 * routes are listed in docs/runtime.md ("HTTP API and auth").
 */
import { join } from 'node:path';
import { Directory } from '../directory/directory.js';
import type { DirectoryOptions } from '../directory/directory.js';
import type { DirectorySource } from '../directory/ports.js';
import { DIRECTORY_DATABASE_FILE, SqliteDirectoryStore } from '../directory/stores/sqlite.js';
import { SqliteConversationQueries } from '../processing/stores/sqlite-conversation-queries.js';
import { SqliteProjectionQueries } from '../processing/stores/sqlite-projection-queries.js';
import { errorMessage, isLoopback } from '../shared/index.js';
import { PipelineTelemetry } from '../telemetry/index.js';
import { createAdminRoutes, PipelineAdmin } from './admin.js';
import { Admission } from './admission.js';
import { BearerToken } from './auth.js';
import { BacklogSampler } from './backlog-sampler.js';
import { createPrivateDataDir, makeFilesPrivate, writeConfig } from './data-dir.js';
import { withAgentNames, withConversationNames, withQueueNames } from './directory-names.js';
import { freeDiskBytes } from './disk-space.js';
import { createHttpRoutes } from './http-routes.js';
import { startHttpServer } from './http-server.js';
import type { RuntimeHttpServer } from './http-server.js';
import { teeOutcomes } from './instrumentation.js';
import type { OutcomeSink } from './instrumentation.js';
import { checkDataDirIntegrity } from './integrity.js';
import { DataDirLock } from './lock.js';
import { RuntimeOptionsError } from './errors.js';
import { resolveRuntimeOptions } from './options.js';
import type { ResolvedRuntimeOptions, RuntimeOptions } from './options.js';
import { PipePoller } from './pipe.js';
import { LocalPipeline } from './pipeline.js';
import type { PipelineHooks } from './pipeline.js';
import { createPutEventsRoute } from './put-events-route.js';
import { recoverFromPredecessor } from './recovery.js';
import type { Recovered } from './recovery.js';
import { orderlyStop } from './shutdown.js';
import { pipelineStatusReporter } from './status.js';
import type { StatusOutput } from './status.js';

/** Extra options of {@link startRuntime} that the CLI does not expose. */
export interface RuntimeExtras extends Pick<PipelineHooks, 'sinks' | 'functionOverrides' | 'processingThread'> {
  /** Told every outcome the telemetry is told (processed, duplicates, …), e.g. plain counters for a benchmark. */
  outcomes?: OutcomeSink;
  /** Status line output (a terminal gets a live line). Default: none. */
  status?: StatusOutput;
  /** Log lines (start, recovery, warnings, shutdown). Default: none. */
  log?: (line: string) => void;
  /**
   * Where the directory's names come from: `GenesysDirectorySource` (the Platform API) or
   * `CatalogueDirectorySource` (the simulator's organisation). Without one, the runtime shows the
   * names its `directory.sqlite` already holds (from an earlier run or `directory sync`).
   */
  directorySource?: DirectorySource;
  /** Tuning of the directory: refresh interval, bounds of on-miss lookups. */
  directory?: Pick<DirectoryOptions, 'refreshIntervalMs' | 'retryAfterFailureMs' | 'misses'>;
}

/** A running runtime. */
export interface Runtime {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly options: ResolvedRuntimeOptions;
  readonly pipeline: LocalPipeline;
  readonly telemetry: PipelineTelemetry;
  readonly admin: PipelineAdmin;
  /** The Genesys directory (names beside ids on the dashboard, `/api/*` and in sinks' context). */
  readonly directory: Directory;
  /** What start-up recovered from a previous process. */
  readonly recovered: Recovered;
  /**
   * Drains and stops; resolves when everything is committed and closed. Every step is tried and
   * the lock is released even when one fails (then it rejects with the first error).
   */
  stop(): Promise<void>;
  /** Resolves when the runtime has stopped (by `stop()`, or on a failure: see {@link failure}). Never rejects. */
  readonly stopped: Promise<void>;
  /**
   * Why the runtime stopped by itself, if it did: a commit failed (disk full, I/O error) or the
   * processing side died. What was acknowledged is on disk; start again once the cause is fixed.
   */
  readonly failure: Error | undefined;
}

/**
 * Starts the runtime.
 *
 * @throws RuntimeOptionsError for invalid options; DataDirLockedError when another live process uses the data directory.
 * @example
 * const runtime = await startRuntime({ dataDir: '.pipeline', port: 0 });
 * console.log(`dashboard: ${runtime.url}/`);
 * await runtime.stop();
 */
export async function startRuntime(options: RuntimeOptions, extras: RuntimeExtras = {}): Promise<Runtime> {
  const resolved = resolveRuntimeOptions(options);
  if (!isLoopback(resolved.host) && resolved.token === undefined) {
    throw new RuntimeOptionsError([
      `Binding ${resolved.host} exposes PutEvents, the projections and the admin routes beyond this machine: give a token (--token, or GENESYS_PIPELINE_TOKEN), or bind 127.0.0.1.`,
    ]);
  }
  const log = extras.log ?? (() => {});
  createPrivateDataDir(resolved.dataDir);
  const lock = DataDirLock.acquire(resolved.dataDir, { mode: resolved.mode });
  let pipeline: LocalPipeline | undefined;
  let http: RuntimeHttpServer | undefined;
  let directoryStore: SqliteDirectoryStore | undefined;
  let directory: Directory | undefined;
  try {
    writeConfig(resolved);
    // A damaged file is one clear error now, not SQLITE_CORRUPT on every request that meets it.
    checkDataDirIntegrity(resolved.dataDir);
    // The directory first: its names are there from the first dashboard poll (from the store).
    directoryStore = SqliteDirectoryStore.open(join(resolved.dataDir, DIRECTORY_DATABASE_FILE));
    directory = await Directory.open({
      store: directoryStore,
      ...(extras.directorySource ? { source: extras.directorySource } : {}),
      ...extras.directory,
      log,
    });
    const names = directory;
    // The projection's queries exist once the pipeline has created its tables (below).
    const projection: { queries?: SqliteConversationQueries; projections?: SqliteProjectionQueries } = {};
    const telemetry = new PipelineTelemetry({
      concurrencyLimit: resolved.maxProcessorConcurrency,
      contactCentre: withQueueNames(
        {
          contactCentreFigures: () => ({
            ...projection.queries!.contactCentreFigures(),
            agents: projection.projections!.agentStatusCounts(),
          }),
        },
        names,
      ),
    });
    if (resolved.mode === 'buffered') telemetry.setBatchWindow(resolved.batchWindowMs);
    const admission = new Admission(resolved.admission);
    telemetry.setAdmission(() => admission.status());
    const fatal: { stop?: () => Promise<void>; failure?: Error } = {};
    const failStop = (error: Error, what: string): void => {
      if (fatal.failure) return;
      fatal.failure = error;
      log(`${what}: ${error.message} Stopping: what was acknowledged is on disk and is processed at the next start.`);
      void fatal.stop?.().catch(() => {});
    };
    pipeline = await LocalPipeline.open(resolved, {
      outcomes: extras.outcomes ? teeOutcomes(telemetry, extras.outcomes) : telemetry,
      accepted: (n, storedMs) => (telemetry.accepted(n, storedMs), admission.accepted(n)),
      ...(extras.sinks ? { sinks: extras.sinks, directory: names } : {}),
      ...(extras.functionOverrides ? { functionOverrides: extras.functionOverrides } : {}),
      ...(extras.processingThread ? { processingThread: extras.processingThread } : {}),
      onProcessingFailure: (error) => failStop(error, 'The processing side failed'),
      onCommitFailure: (error) => failStop(error, 'Committing pipeline.sqlite failed'),
      onProcessingWarning: log,
    });
    const p = pipeline;
    makeFilesPrivate(resolved.dataDir);
    const queries = new SqliteConversationQueries(p.processingReader);
    projection.queries = queries;
    const projections = new SqliteProjectionQueries(p.processingReader);
    projection.projections = projections;
    const recovered = recoverFromPredecessor(p, lock, resolved, log);

    p.commits.start();
    const admin = new PipelineAdmin(p);
    let draining = false;
    const bearer = resolved.token === undefined ? undefined : new BearerToken(resolved.token);
    const putEvents = createPutEventsRoute(p.eventBridge, {
      bearer,
      isDraining: () => draining,
      admit: () => admission.verdict(),
    });
    http = await startHttpServer({
      host: resolved.host,
      port: resolved.port,
      bearer,
      putEvents,
      routes: [
        createAdminRoutes({
          admin,
          ...(resolved.token !== undefined ? { token: resolved.token } : {}),
          isDraining: () => draining,
        }),
        createHttpRoutes({
          telemetry,
          conversations: withConversationNames(queries, names),
          projections: withAgentNames(projections, names),
          directory: names,
          ...(resolved.token !== undefined ? { token: resolved.token } : {}),
          onError: (error, request) => log(`${request.method} ${request.path} failed: ${errorMessage(error)}`),
        }),
      ],
      log,
    });
    const server = http;
    lock.update({ url: server.url, tokenRequired: resolved.token !== undefined });

    const pipe = resolved.mode === 'buffered' ? startPollers(p, resolved, log, failStop) : undefined;
    names.start();
    if (extras.directorySource)
      log(`Directory: names from ${extras.directorySource.name}, refreshed in the background.`);

    const sampler = new BacklogSampler({
      backlog: () => {
        if (resolved.mode === 'direct') {
          const pending = p.eventBridge.stats().pendingDeliveries;
          return { waiting: pending, stored: pending };
        }
        const s = p.eventQueue.stats();
        return { waiting: s.visible + s.delayed, stored: s.total };
      },
      deadLetters: () => admin.deadLetters.total(),
      setBacklog: (count) => telemetry.setBacklog(count),
      // Admission bounds what is stored and not yet processed (in flight included), and free disk.
      sampled: ({ stored }) =>
        admission.sample({
          backlog: stored,
          freeDiskBytes: freeDiskBytes(resolved.dataDir, [p.database, p.processingReader]),
        }),
      log,
    });
    sampler.start();
    const status = extras.status
      ? pipelineStatusReporter(extras.status, telemetry, () => sampler.deadLetterTotal)
      : undefined;
    status?.start();

    const { stop, stopped } = orderlyStop({
      beginDraining: () => {
        draining = true;
        status?.stop();
        sampler.stop();
      },
      putEventsInFlight: () => putEvents.inFlight,
      steps: [
        ['the pollers', () => pipe?.stop()],
        ['the directory', () => names.stop()],
        ['the directory store', () => directoryStore?.close()],
        ['the pipeline', () => p.close()],
        ['the HTTP server', () => server.close()],
      ],
      release: () => lock.release(),
      failed: () => fatal.failure !== undefined,
      log,
    });
    fatal.stop = stop;
    return {
      url: server.url,
      port: server.port,
      options: resolved,
      pipeline: p,
      telemetry,
      admin,
      directory: names,
      recovered,
      stop,
      stopped,
      get failure() {
        return fatal.failure;
      },
    };
  } catch (error) {
    http?.server.close();
    await directory?.stop();
    directoryStore?.close();
    await pipeline?.close();
    lock.release();
    throw error;
  }
}

/**
 * The Pipe's pollers (buffered mode), started: they receive batches from the event queue and start
 * executions. A receive that fails stops the runtime; an execution or a delete that fails is logged
 * (its records return to the queue after the visibility timeout).
 */
function startPollers(
  p: LocalPipeline,
  resolved: ResolvedRuntimeOptions,
  log: (line: string) => void,
  failStop: (error: Error, what: string) => void,
): PipePoller {
  const pipe = new PipePoller(
    p.eventQueue,
    p.executions,
    {
      batchSize: resolved.batchSize,
      batchWindowMs: resolved.batchWindowMs,
      pollers: resolved.pollers,
      region: p.eventBridge.region,
      // The receives (their lease mark) are on disk before an execution can crash the process.
      beforeExecute: () => p.commits.barrier(),
    },
    {
      executionFailed: (error, size) =>
        log(
          `An execution of ${size} event(s) failed as a whole (they return to the queue after the visibility timeout): ${errorMessage(error)}`,
        ),
      deleteFailed: (error, size) =>
        log(
          `Deleting ${size} processed record(s) from the queue failed (they return after the visibility timeout and count as duplicates): ${errorMessage(error)}`,
        ),
      receiveFailed: (error) =>
        failStop(error instanceof Error ? error : new Error(String(error)), 'Receiving from the event queue failed'),
    },
  );
  pipe.start();
  return pipe;
}
