/**
 * The local runtime behind `genesys-pipeline run`: the whole pipeline in one process, served on
 * one HTTP port — ingestion (bus, archive, queue, the pollers (E), HTTP) on the main thread with
 * `pipeline.sqlite`, processing (executor, handlers) on a worker thread with `processing.sqlite`.
 *
 * The flow is drawn once, in docs/architecture.md ("Data flow", the one-machine side); the HTTP
 * routes are listed in docs/runtime.md ("HTTP API and auth").
 *
 * Start-up takes the data directory's lock, recovers what a killed predecessor left (messages it
 * had received become visible at once; idempotency records it left in progress are released),
 * then opens the group transaction, listens, and starts the pollers. `stop()` drains: new
 * PutEvents get 503, executions in flight finish and are acknowledged, the last commit is made.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Directory } from '../directory/directory.js';
import type { DirectoryOptions } from '../directory/directory.js';
import type { DirectorySource } from '../directory/ports.js';
import { DIRECTORY_DATABASE_FILE, SqliteDirectoryStore } from '../directory/stores/sqlite.js';
import { createEventBridgeHandler } from '../eventbridge/index.js';
import { AwsJsonError, writeAwsJsonError } from '../eventbridge/aws-json.js';
import { SqliteConversationQueries } from '../processing/stores/sqlite-conversation-queries.js';
import { SqliteProjectionQueries } from '../processing/stores/sqlite-projection-queries.js';
import { errorMessage, isLoopback, isLoopbackHostHeader } from '../shared/index.js';
import { PipelineTelemetry } from '../telemetry/index.js';
import type { PipelineStats } from '../telemetry/index.js';
import { createAdminRoutes, PipelineAdmin } from './admin.js';
import { Admission } from './admission.js';
import { BearerToken } from './auth.js';
import { withAgentNames, withConversationNames, withQueueNames } from './directory-names.js';
import { freeDiskBytes } from './disk-space.js';
import { createHttpRoutes } from './http-routes.js';
import { checkDataDirIntegrity } from './integrity.js';
import { DataDirLock } from './lock.js';
import { RuntimeOptionsError } from './errors.js';
import { resolveRuntimeOptions } from './options.js';
import type { ResolvedRuntimeOptions, RuntimeOptions } from './options.js';
import { PipePoller } from './pipe.js';
import { LocalPipeline, PIPELINE_RESOURCES } from './pipeline.js';
import type { PipelineHooks } from './pipeline.js';
import type { OutcomeSink } from './instrumentation.js';
import { formatStatus, StatusReporter } from './status.js';
import type { StatusOutput } from './status.js';

/** Largest PutEvents request body the runtime reads, bytes: twice the 256 KiB of entries AWS accepts per request. */
export const PUT_EVENTS_MAX_BODY_BYTES = 512 * 1024;

/** The file in the data directory recording how the pipeline was configured (no secrets). */
export const CONFIG_FILE = 'pipeline.json';

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
  readonly recovered: {
    releasedMessages: number;
    releasedIdempotencyRecords: number;
    /** Receives of messages the previous process had in flight when it died (counted toward maxReceiveCount). */
    interruptedReceives: number;
    /** Of those, messages moved to the DLQ: received maxReceiveCount times, the process dying each time. */
    deadLetteredAfterCrashes: number;
    tookOverLockOf?: number;
  };
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
  let server: Server | undefined;
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

    // Recovery: this process holds the lock, so nothing else is working on these (the processing
    // side released the idempotency records a killed predecessor left in progress when it opened).
    // First count the receives the dead process made in memory: a message that crashed it often
    // enough goes to the DLQ instead of crashing this one too.
    const interrupted = p.eventQueue.recoverInterruptedReceives();
    const releasedMessages = p.eventQueue.releaseInFlight();
    const releasedIdempotencyRecords = p.executions.recovered.releasedIdempotencyRecords;
    const recovered = {
      releasedMessages,
      releasedIdempotencyRecords,
      interruptedReceives: interrupted.counted,
      deadLetteredAfterCrashes: interrupted.deadLettered,
      ...(lock.tookOverFrom ? { tookOverLockOf: lock.tookOverFrom.pid } : {}),
    };
    if (lock.tookOverFrom) log(`Took over the lock of PID ${lock.tookOverFrom.pid}, which is no longer running.`);
    if (releasedMessages || releasedIdempotencyRecords || interrupted.counted) {
      log(
        `Recovered from an unclean stop: ${releasedMessages} message(s) back on the queue (${interrupted.counted} receive(s) of theirs counted), ${releasedIdempotencyRecords} in-progress idempotency record(s) released.`,
      );
    }
    if (interrupted.deadLettered)
      log(
        `${interrupted.deadLettered} message(s) moved to ${p.eventQueueDlq.name}: received maxReceiveCount (${resolved.maxReceiveCount}) times, the process stopping while they were in flight; inspect them with "genesys-pipeline dlq list".`,
      );
    if (resolved.mode === 'direct') {
      const waiting = p.eventQueue.stats().total;
      if (waiting > 0)
        log(
          `Note: ${waiting} event(s) wait in the buffered mode's queue; they are processed by a buffered run (--mode buffered).`,
        );
    }

    p.commits.start();
    const admin = new PipelineAdmin(p);
    let draining = false;
    let putEventsInFlight = 0;
    const routes = createHttpRoutes({
      telemetry,
      conversations: withConversationNames(queries, names),
      projections: withAgentNames(projections, names),
      directory: names,
      ...(resolved.token !== undefined ? { token: resolved.token } : {}),
      onError: (error, request) => log(`${request.method} ${request.path} failed: ${errorMessage(error)}`),
    });
    const adminRoutes = createAdminRoutes({
      admin,
      ...(resolved.token !== undefined ? { token: resolved.token } : {}),
      isDraining: () => draining,
    });
    // A PutEvents body is refused before it is buffered beyond twice the 256 KiB of entries AWS
    // accepts per request (the entry-size rule itself is checked exactly, per entry, by the bus):
    // room for the JSON escaping of the entries' Detail strings, not Node's 4 MiB default.
    const putEvents = createEventBridgeHandler(p.eventBridge, { maxBodyBytes: PUT_EVENTS_MAX_BODY_BYTES });
    const bearer = resolved.token === undefined ? undefined : new BearerToken(resolved.token);

    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const path = (req.url ?? '/').split('?')[0];
      // Without a token the runtime is bound to loopback (start-up refuses anything else): every
      // route then answers only requests addressed to a loopback name, so a web page in the user's
      // browser cannot reach it through a name pointed at 127.0.0.1 (DNS rebinding) to put events
      // or read the projections.
      if (!bearer && !isLoopbackHostHeader(req.headers.host)) {
        const message = `Without a token this runtime answers only requests addressed to localhost, 127.0.0.1 or [::1]; this one was addressed to "${String(req.headers.host ?? '').slice(0, 100)}". Use a loopback URL, or start it with --token.`;
        if (req.method === 'POST' && path === '/')
          return writeAwsJsonError(req, res, new AwsJsonError('AccessDeniedException', message, 403));
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
        res.end(`${JSON.stringify({ error: 'forbidden', message })}\n`);
        return;
      }
      if (req.method === 'POST' && path === '/') {
        if (bearer) {
          const verdict = bearer.check(req);
          if (verdict !== 'ok') {
            return writeAwsJsonError(
              req,
              res,
              new AwsJsonError(
                'UnrecognizedClientException',
                verdict === 'missing'
                  ? 'This runtime requires its token on PutEvents: send "Authorization: Bearer <token>" (with the AWS SDK: withBearerToken(client, token); the CLI: --token).'
                  : 'The bearer token is not this runtime’s token.',
                401,
              ),
            );
          }
        }
        if (draining)
          return writeAwsJsonError(
            req,
            res,
            new AwsJsonError(
              'ServiceUnavailableException',
              'The local pipeline is shutting down and accepts no new events; send them again once it has restarted.',
              503,
            ),
          );
        // Backpressure: past the backlog or free-disk threshold, AWS's throttling answer (admission.ts).
        const verdict = admission.verdict();
        if (!verdict.admit)
          return writeAwsJsonError(req, res, new AwsJsonError('ThrottlingException', verdict.message, 400));
        putEventsInFlight++;
        try {
          await putEvents(req, res);
        } finally {
          putEventsInFlight--;
        }
        return;
      }
      if (await adminRoutes(req, res)) return;
      if (await routes(req, res)) return;
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        `${JSON.stringify({ error: 'not_found', message: `No route ${req.method ?? ''} ${path}. PutEvents is POST /; the dashboard GET /; see /api/stats.` })}\n`,
      );
    };
    server = createServer((req, res) => {
      handle(req, res).catch((error: unknown) => {
        log(`request failed: ${errorMessage(error)}`);
        if (!res.headersSent)
          writeAwsJsonError(
            req,
            res,
            new AwsJsonError('InternalException', 'The local pipeline failed to handle the request; see its log.', 500),
          );
        else res.destroy();
      });
    });
    // Careless or hostile clients: a request arrives whole within 30 s (its headers within 10 s),
    // and at most 1,024 connections are open at once.
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    server.maxConnections = 1_024;
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      else socket.destroy();
    });
    const srv = server;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(resolved.port, resolved.host, () => {
        srv.off('error', reject);
        resolve();
      });
    });
    const port = (srv.address() as AddressInfo).port;
    const url = `http://${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}`;
    lock.update({ url, tokenRequired: resolved.token !== undefined });

    const pipe =
      resolved.mode === 'buffered'
        ? new PipePoller(
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
                failStop(
                  error instanceof Error ? error : new Error(String(error)),
                  'Receiving from the event queue failed',
                ),
            },
          )
        : undefined;
    pipe?.start();
    names.start();
    if (extras.directorySource)
      log(`Directory: names from ${extras.directorySource.name}, refreshed in the background.`);

    // Gauges sampled on timers: the backlog (a count costs about 5 ms per million rows: sampled
    // less often when it is large), the free disk space (both for admission), and the
    // dead-letter total for the status line.
    let deadLetterTotal = 0;
    let sampleEvery = 500;
    let sampler: NodeJS.Timeout | undefined;
    const sample = (): void => {
      const started = performance.now();
      try {
        // Stored and not processed (in flight included): what admission bounds.
        let stored: number;
        if (resolved.mode === 'buffered') {
          const s = p.eventQueue.stats();
          telemetry.setBacklog(s.visible + s.delayed);
          stored = s.total;
        } else {
          stored = p.eventBridge.stats().pendingDeliveries;
          telemetry.setBacklog(stored);
        }
        admission.sample({
          backlog: stored,
          freeDiskBytes: freeDiskBytes(resolved.dataDir, [p.database, p.processingReader]),
        });
        deadLetterTotal = admin.deadLetters.total();
      } catch (error) {
        log(`sampling the backlog failed: ${errorMessage(error)}`);
      }
      sampleEvery = Math.min(10_000, Math.max(500, (performance.now() - started) * 50));
      sampler = setTimeout(sample, sampleEvery);
      sampler.unref();
    };
    sample();

    let lastActivity = '';
    const status = extras.status
      ? new StatusReporter(extras.status, async () => {
          const stats: PipelineStats = await telemetry.snapshot();
          const activity = `${stats.accepted}/${stats.processed}/${stats.backlog}/${deadLetterTotal}`;
          lastActivity = activity;
          return { text: formatStatus(stats, deadLetterTotal), activity: lastActivity };
        })
      : undefined;
    status?.start();

    let resolveStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        draining = true;
        status?.stop();
        if (sampler) clearTimeout(sampler);
        // Each step is tried even if one before it failed: the lock is always released and
        // `stopped` always resolves (a CLI waiting on it must not hang on a failed step).
        const errors: unknown[] = [];
        const step = async (what: string, fn: () => unknown): Promise<void> => {
          try {
            await fn();
          } catch (error) {
            errors.push(error);
            log(`Stopping: ${what} failed: ${errorMessage(error)}`);
          }
        };
        try {
          // PutEvents calls already inside the bus finish (their response waits for the commit).
          const deadline = Date.now() + 10_000;
          while (putEventsInFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
          await step('the pollers', () => pipe?.stop());
          await step('the directory', () => names.stop());
          await step('the directory store', () => directoryStore?.close());
          await step('the pipeline', () => p.close());
          await step(
            'the HTTP server',
            () =>
              new Promise<void>((resolve) => {
                srv.close(() => resolve());
                srv.closeIdleConnections();
                setTimeout(() => {
                  srv.closeAllConnections();
                }, 2000).unref();
              }),
          );
        } finally {
          lock.release();
          log(
            fatal.failure || errors.length > 0
              ? 'Stopped after a failure: what was acknowledged is on disk; start again once the cause is fixed.'
              : 'Stopped: everything in flight is processed and committed.',
          );
          resolveStopped();
        }
        if (errors.length > 0) throw errors[0];
      })());

    fatal.stop = stop;
    return {
      url,
      port,
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
    server?.close();
    await directory?.stop();
    directoryStore?.close();
    await pipeline?.close();
    lock.release();
    throw error;
  }
}

/**
 * The data directory holds the events (phone numbers, names): only its owner may read it. A
 * directory this call creates is 0700; each SQLite file is created 0600 before SQLite opens it
 * (SQLite gives its `-wal` and `-shm` files the database file's mode), and an existing one made
 * 0600. (A directory that existed keeps its mode: it is the user's.)
 */
function createPrivateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Not processing.sqlite: its absence tells an earlier version's data dir to be split (layout.ts);
  // it is made private once open (makeFilesPrivate).
  for (const file of [PIPELINE_RESOURCES.database, DIRECTORY_DATABASE_FILE, 'runtime.lock.sqlite']) {
    const path = join(dataDir, file);
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
}

/** Makes the SQLite files of the data directory (and their `-wal`, `-shm`) 0600. */
function makeFilesPrivate(dataDir: string): void {
  for (const file of readdirSync(dataDir))
    if (/\.sqlite(-wal|-shm)?$/.test(file)) {
      try {
        chmodSync(join(dataDir, file), 0o600);
      } catch {
        // removed meanwhile
      }
    }
}

/** An outcome sink that tells both. */
function teeOutcomes(a: OutcomeSink, b: OutcomeSink): OutcomeSink {
  return {
    processingStarted: (count) => (a.processingStarted(count), b.processingStarted(count)),
    processingFinished: (count) => (a.processingFinished(count), b.processingFinished(count)),
    processed: (count, latencies, stages) => (
      a.processed(count, latencies, stages),
      b.processed(count, latencies, stages)
    ),
    duplicate: (count) => (a.duplicate(count), b.duplicate(count)),
    invalid: (count) => (a.invalid(count), b.invalid(count)),
    failed: (count) => (a.failed(count), b.failed(count)),
    retried: (count) => (a.retried(count), b.retried(count)),
    deadLettered: (count) => (a.deadLettered(count), b.deadLettered(count)),
    throttled: (count) => (a.throttled(count), b.throttled(count)),
  };
}

function writeConfig(options: ResolvedRuntimeOptions): void {
  const { token: _token, ...config } = options;
  writeFileSync(
    join(options.dataDir, CONFIG_FILE),
    `${JSON.stringify({ ...config, tokenRequired: options.token !== undefined }, null, 2)}\n`,
    { mode: 0o600 },
  );
}
