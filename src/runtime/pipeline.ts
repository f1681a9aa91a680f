/**
 * The local pipeline assembled as `infra/` deploys it on AWS (docs/architecture.md, "Data flow"):
 * the partner bus with its archive, the rule, and in buffered mode the event queue with its DLQ
 * drained by the pollers (E) into the buffered state machine, in direct mode a state machine
 * target (retry policy, DLQ) starting one execution per event. The resources keep the names the
 * CDK construct gives their AWS counterparts ({@link PIPELINE_RESOURCES}).
 *
 * Two SQLite files, each with one writer and its own {@link GroupCommit}: `pipeline.sqlite` (bus,
 * archive, queues) on this thread, and `processing.sqlite` (idempotency, projection, dead
 * letters) on the processing side ({@link Executions}: a worker thread by default). An execution
 * answers only after its effects are committed, and only then is its message deleted (or its
 * delivery counted), so a crash between the two commits redelivers, and the idempotent processor
 * skips what was done. This module builds the pieces; the runtime (`runtime.ts`) starts and
 * stops them, and the admin commands use the same assembly.
 */
import { join } from 'node:path';
import { durableQueueTarget, LocalEventBridge } from '../eventbridge/index.js';
import type { LocalEventBridgeOptions } from '../eventbridge/index.js';
import type { DirectoryLookup } from '../directory/ports.js';
import type { Sink } from '../processing/index.js';
import { QueueStore } from '../queue/index.js';
import { openSqliteDatabase } from '../sqlite/index.js';
import type { DurableQueue } from '../queue/index.js';
import type { SqliteDatabase } from '../sqlite/index.js';
import type { LocalLambdaHandler } from '../workflow/index.js';
import { GroupCommit } from './group-commit.js';
import type { OutcomeSink } from './instrumentation.js';
import { migrateToSeparateProcessingDatabase } from './layout.js';
import { openExecutions } from './executions.js';
import type { Executions } from './executions.js';
import { PROCESSING_DATABASE } from './execution-host.js';
import type { ExecutionSettings } from './execution-host.js';
import { ruleEventPattern } from './options.js';
import type { ResolvedRuntimeOptions } from './options.js';
import { stateMachineTarget } from './state-machine-target.js';

/** Names of the resources, as the CDK construct names their AWS counterparts. */
export const PIPELINE_RESOURCES = {
  database: 'pipeline.sqlite',
  processingDatabase: PROCESSING_DATABASE,
  rule: 'genesys-conversation-events',
  eventQueue: 'genesys-events',
  eventQueueDlq: 'genesys-events-dlq',
  targetDlq: 'genesys-events-target-dlq',
  queueTargetId: 'event-queue',
  stateMachineTargetId: 'state-machine',
} as const;

/**
 * Conversations whose facts the processing side keeps in memory: more than the simulator has in
 * progress at once at the benchmark's rates (most misses are then a conversation's first event),
 * and less memory than `SqliteConversationStore`'s default of 5,000 for almost the same hits
 * (the figures: docs/runtime.md, "Memory").
 */
const LOCAL_CACHED_CONVERSATIONS = 2_000;

/** SQLite page cache of the pipeline's connection, KiB. */
const PIPELINE_CACHE_KIB = 8 * 1024;

/**
 * Page size of a new `pipeline.sqlite`, bytes. Its tables are written at their ends (archive and
 * queue rows of 1–2 KB, in order): with 16 KiB pages each commit appends a quarter as many WAL
 * frames — a `write` system call each, and as many again when checkpointed — as with SQLite's
 * 4 KiB (the figure: docs/runtime.md, "Performance", the third round).
 * `processing.sqlite` keeps 4 KiB: its conversation rows are updated at random places, where a
 * larger page means more bytes written per change.
 */
const PIPELINE_PAGE_SIZE = 16 * 1024;

/**
 * WAL pages between automatic checkpoints of `pipeline.sqlite` (64 MiB of WAL at 16 KiB pages;
 * SQLite's default is 1,000). A checkpoint runs inside the commit that crosses the threshold, on
 * the ingestion thread, and waits for two `fsync`s (the WAL's, then the database file's): ~4 ms
 * each on this machine at the median, ~10 ms at the 90th percentile. At the default it ran about
 * every 2,400 events; while it waits, no batch reaches the processing thread. A checkpoint copies
 * each page once however often the WAL holds it, so fewer of them also write less.
 */
const PIPELINE_WAL_CHECKPOINT_PAGES = 4_000;

/** Extension points of {@link LocalPipeline.open}, mostly for tests. */
export interface PipelineHooks {
  /** Telemetry of the handlers' outcomes. */
  outcomes?: OutcomeSink;
  /**
   * Called after each group of PutEvents calls is committed (the runtime counts accepted events
   * there), with how long the group took from reaching the bus to its commit, ms.
   */
  accepted?: (events: number, storedMs: number) => void;
  /** Your sinks, run after the conversation projection. */
  sinks?: readonly Sink[];
  /** Names for your sinks (`context.directory`); used where they run (the main thread). */
  directory?: DirectoryLookup;
  /**
   * Replaces handlers before the executor gets them (e.g. a processor that fails for chosen
   * events, to test retries and dead-lettering). Receives the handlers by placeholder.
   */
  functionOverrides?: (functions: Record<string, LocalLambdaHandler>) => Record<string, LocalLambdaHandler>;
  /**
   * Where the processing side runs: `worker` (a thread of its own; the default without sinks or
   * overrides) or `main` (this thread; the default, and the only choice, with them).
   */
  processingThread?: 'worker' | 'main';
  /** Called once if the processing side fails while running (its thread dies, a commit of `processing.sqlite` fails). */
  onProcessingFailure?: (error: Error) => void;
  /**
   * Called once if a commit of `pipeline.sqlite` fails: nothing more is written to it (see
   * `GroupCommit`, fail-stop); the owner should stop. Default: nothing (the barriers reject).
   */
  onCommitFailure?: (error: Error) => void;
  /** Told what the processing side dealt with in the background (for the log). */
  onProcessingWarning?: (message: string) => void;
}

const NO_OUTCOMES: OutcomeSink = {
  processingStarted() {},
  processingFinished() {},
  processed() {},
  duplicate() {},
  invalid() {},
  failed() {},
  retried() {},
  deadLettered() {},
  throttled() {},
};

/**
 * @example
 * const pipeline = await LocalPipeline.open(resolveRuntimeOptions({ dataDir: '.pipeline' }));
 * pipeline.commits.start();
 * await pipeline.eventBridge.putEvents({ Entries: [...] });   // resolves once committed
 * await pipeline.close();
 */
export class LocalPipeline {
  /** The connection to `pipeline.sqlite` (bus, archive, queues). */
  readonly database: SqliteDatabase;
  readonly commits: GroupCommit;
  readonly eventBridge: LocalEventBridge;
  readonly queues: QueueStore;
  /** Buffered mode's event queue (it exists in both modes: a data dir can change mode). */
  readonly eventQueue: DurableQueue;
  readonly eventQueueDlq: DurableQueue;
  /** Dead-letter queue of the rule's target. */
  readonly targetDlq: DurableQueue;
  /** The processing side (executor, handlers, `processing.sqlite`). */
  readonly executions: Executions;
  /** Path of `processing.sqlite`. */
  readonly processingDatabasePath: string;
  private reader: SqliteDatabase | undefined;
  private closed = false;

  private constructor(
    readonly options: ResolvedRuntimeOptions,
    database: SqliteDatabase,
    executions: Executions,
    hooks: PipelineHooks,
  ) {
    this.database = database;
    this.executions = executions;
    this.processingDatabasePath = join(options.dataDir, PIPELINE_RESOURCES.processingDatabase);
    this.commits = new GroupCommit(this.database, {
      intervalMs: options.commitIntervalMs,
      onError: (error) => hooks.onCommitFailure?.(error instanceof Error ? error : new Error(String(error))),
    });
    const commits = this.commits;
    const afterCommit: LocalEventBridgeOptions['afterCommit'] = async (events, ingestedAt) => {
      await commits.barrier();
      hooks.accepted?.(events, Date.now() - ingestedAt);
    };
    this.eventBridge = LocalEventBridge.open({
      database: this.database,
      archive: options.archiveRetentionDays === false ? false : { retentionDays: options.archiveRetentionDays },
      delivery: { concurrency: Math.max(64, options.maxProcessorConcurrency * 2) },
      afterCommit,
    });
    // The runtime is the only receiver of its queues (it holds the data directory's lock): receives
    // lease in memory instead of writing each message's row (`DurableQueue`, "Leases in memory").
    this.queues = QueueStore.onDatabase(this.database, { leasesInMemory: true });
    this.targetDlq = this.queues.queue(PIPELINE_RESOURCES.targetDlq, { retentionMs: 14 * 86_400_000 });
    this.eventQueueDlq = this.queues.queue(PIPELINE_RESOURCES.eventQueueDlq, { retentionMs: 14 * 86_400_000 });
    this.eventQueue = this.queues.queue(PIPELINE_RESOURCES.eventQueue, {
      visibilityTimeoutMs: options.visibilityTimeoutMs,
      redrivePolicy: { deadLetterQueue: PIPELINE_RESOURCES.eventQueueDlq, maxReceiveCount: options.maxReceiveCount },
    });
    this.configureBus();
  }

  /**
   * Builds the pipeline in the data directory (files created if missing; a directory of an
   * earlier version, with everything in `pipeline.sqlite`, is split first) and starts the
   * processing side. Does not start anything else but the bus's delivery worker.
   */
  static async open(options: ResolvedRuntimeOptions, hooks: PipelineHooks = {}): Promise<LocalPipeline> {
    const database = openSqliteDatabase(join(options.dataDir, PIPELINE_RESOURCES.database), {
      pageSize: PIPELINE_PAGE_SIZE,
      // 8 MiB of page cache instead of 64: what the pipeline touches is the end of its tables and
      // indexes; throughput is the same and peak RSS lower (docs/runtime.md, "Memory").
      cacheSizeKiB: PIPELINE_CACHE_KIB,
      walAutoCheckpointPages: PIPELINE_WAL_CHECKPOINT_PAGES,
      synchronous: options.durability,
    });
    let executions: Executions | undefined;
    try {
      migrateToSeparateProcessingDatabase(database, join(options.dataDir, PIPELINE_RESOURCES.processingDatabase));
      const settings: ExecutionSettings = {
        dataDir: options.dataDir,
        mode: options.mode,
        lambdaConcurrencyLimit: options.lambdaConcurrencyLimit,
        maxConcurrency: options.maxConcurrency,
        maxProcessingAttempts: options.maxProcessingAttempts,
        executor: options.executor,
        retryPauseMs: options.retryPauseMs,
        commitIntervalMs: options.commitIntervalMs,
        cacheConversations: LOCAL_CACHED_CONVERSATIONS,
        durability: options.durability,
      };
      const inThread = hooks.sinks !== undefined || hooks.functionOverrides !== undefined;
      executions = await openExecutions(
        settings,
        hooks.processingThread ?? (inThread ? 'main' : 'worker'),
        hooks.outcomes ?? NO_OUTCOMES,
        {
          ...(hooks.sinks ? { sinks: hooks.sinks } : {}),
          ...(hooks.sinks && hooks.directory ? { directory: hooks.directory } : {}),
          ...(hooks.functionOverrides ? { functionOverrides: hooks.functionOverrides } : {}),
        },
        {
          ...(hooks.onProcessingFailure ? { fatal: hooks.onProcessingFailure } : {}),
          ...(hooks.onProcessingWarning ? { warning: hooks.onProcessingWarning } : {}),
        },
      );
      return new LocalPipeline(options, database, executions, hooks);
    } catch (error) {
      await executions?.close();
      database.close();
      throw error;
    }
  }

  private configureBus(): void {
    const { busName, mode, targetRetry } = this.options;
    const eb = this.eventBridge;
    eb.createEventBus({ Name: busName, EventSourceName: busName });
    eb.putRule({ Name: PIPELINE_RESOURCES.rule, EventBusName: busName, EventPattern: ruleEventPattern(this.options) });
    const retry = {
      RetryPolicy: {
        MaximumRetryAttempts: targetRetry.maximumRetryAttempts,
        MaximumEventAgeInSeconds: targetRetry.maximumEventAgeSeconds,
      },
      DeadLetterConfig: { queue: this.targetDlq },
    };
    const target =
      mode === 'buffered'
        ? { Id: PIPELINE_RESOURCES.queueTargetId, target: durableQueueTarget(this.eventQueue), ...retry }
        : {
            Id: PIPELINE_RESOURCES.stateMachineTargetId,
            target: stateMachineTarget(
              `arn:aws:states:${eb.region}:${eb.accountId}:stateMachine:genesys-events-direct`,
              this.executions,
            ),
            ...retry,
          };
    eb.putTargets({ Rule: PIPELINE_RESOURCES.rule, EventBusName: busName, Targets: [target] });
  }

  /**
   * Sends an event (EventBridge event JSON) back into the pipeline where the rule's target would
   * put it: buffered — a new message on the event queue; direct — a new delivery to the state
   * machine target, through PutEvents on the partner bus (the event gets a new id; the
   * idempotency key does not depend on it). Returns how it went in.
   */
  async reinject(eventJson: string): Promise<'queue' | 'bus'> {
    if (this.options.mode === 'buffered') {
      this.eventQueue.send({ body: eventJson });
      return 'queue';
    }
    const event = JSON.parse(eventJson) as {
      source?: unknown;
      'detail-type'?: unknown;
      detail?: unknown;
      time?: unknown;
      resources?: unknown;
    };
    const response = await this.eventBridge.putEvents({
      Entries: [
        {
          Source: typeof event.source === 'string' ? event.source : undefined,
          DetailType: typeof event['detail-type'] === 'string' ? event['detail-type'] : undefined,
          Detail: event.detail === undefined ? undefined : JSON.stringify(event.detail),
          ...(typeof event.time === 'string' ? { Time: event.time } : {}),
          ...(Array.isArray(event.resources) ? { Resources: event.resources as string[] } : {}),
          EventBusName: this.options.busName,
        },
      ],
    });
    const result = response.Entries[0];
    if (!result?.EventId)
      throw new Error(
        `PutEvents refused the event: ${result?.ErrorCode ?? 'error'}: ${result?.ErrorMessage ?? 'no reason'}`,
      );
    return 'bus';
  }

  /**
   * A read-only connection of this thread to `processing.sqlite` (the projection's queries, the
   * dead letters): WAL readers never wait for the processing side's writes, nor it for them.
   */
  get processingReader(): SqliteDatabase {
    this.reader ??= openSqliteDatabase(this.processingDatabasePath, { readonly: true });
    return this.reader;
  }

  /**
   * Stops the bus's worker, closes the processing side, commits, closes the database. Every step
   * is tried even if an earlier one fails (after a failed commit, writes are refused: the leases
   * are not written back, which a restart does not need); the first error is thrown at the end.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const errors: unknown[] = [];
    const step = async (fn: () => unknown): Promise<void> => {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    };
    await step(() => this.eventBridge.close());
    await step(() => this.executions.close());
    await step(() => this.reader?.open && this.reader.close());
    await step(() => this.commits.stop());
    await step(() => this.queues.close());
    await step(() => this.database.open && this.database.close());
    if (errors.length > 0 && !(this.commits.failed && errors.every((e) => e === this.commits.failed))) throw errors[0];
  }
}
