/**
 * The local pipeline assembled on one SQLite connection, as `infra/` deploys it on AWS:
 *
 * ```text
 * partner event bus (archive) → rule (org's Genesys source prefix + topics)
 *   buffered: → durable queue "genesys-events" (redrive → "genesys-events-dlq") → Pipe pollers → buffered state machine
 *   direct:   → state machine target (RetryPolicy, DLQ "genesys-events-target-dlq") → direct state machine, one execution per event
 * ```
 *
 * One connection for everything (bus, archive, queues, idempotency, projection, dead letters), so
 * that a {@link GroupCommit} commits all of them together. This module builds the pieces; the
 * runtime (`runtime.ts`) starts and stops them, and the admin commands use the same assembly.
 */
import { join } from 'node:path';
import { durableQueueTarget, LocalEventBridge } from '../eventbridge/index.js';
import type { LocalEventBridgeOptions } from '../eventbridge/index.js';
import { createLocalHandlers, resolveIdempotencyRecordIds } from '../processing/index.js';
import type { LocalHandlers, Sink } from '../processing/index.js';
import { openSqliteDatabase, QueueStore } from '../queue/index.js';
import type { DurableQueue } from '../queue/index.js';
import type { SqliteDatabase } from '../queue/sqlite.js';
import { buildStateMachineDefinition, createWorkflowExecutor, FUNCTION_PLACEHOLDERS } from '../workflow/index.js';
import type { LocalLambdaHandler, WorkflowExecutor } from '../workflow/index.js';
import { GroupCommit } from './group-commit.js';
import { instrumentFunctions } from './instrumentation.js';
import type { InstrumentedFunctions, OutcomeSink } from './instrumentation.js';
import { ruleEventPattern } from './options.js';
import type { ResolvedRuntimeOptions } from './options.js';
import { stateMachineTarget } from './state-machine-target.js';

/** Names of the resources, as the CDK construct names their AWS counterparts. */
export const PIPELINE_RESOURCES = {
  database: 'pipeline.sqlite',
  rule: 'genesys-conversation-events',
  eventQueue: 'genesys-events',
  eventQueueDlq: 'genesys-events-dlq',
  targetDlq: 'genesys-events-target-dlq',
  queueTargetId: 'event-queue',
  stateMachineTargetId: 'state-machine',
} as const;

/** SQLite page cache of the pipeline's connection, KiB. */
const PIPELINE_CACHE_KIB = 16 * 1024;

/** Extension points of {@link LocalPipeline.open}, mostly for tests. */
export interface PipelineHooks {
  /** Telemetry of the handlers' outcomes. */
  outcomes?: OutcomeSink;
  /** Called after each group of PutEvents calls is committed (the runtime counts accepted events there). */
  accepted?: (events: number) => void;
  /** Your sinks, run after the conversation projection. */
  sinks?: readonly Sink[];
  /**
   * Replaces handlers before the executor gets them (e.g. a processor that fails for chosen
   * events, to test retries and dead-lettering). Receives the handlers by placeholder.
   */
  functionOverrides?: (functions: Record<string, LocalLambdaHandler>) => Record<string, LocalLambdaHandler>;
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
};

/**
 * @example
 * const pipeline = LocalPipeline.open(resolveRuntimeOptions({ dataDir: '.pipeline' }));
 * pipeline.commits.start();
 * await pipeline.eventBridge.putEvents({ Entries: [...] });   // resolves once committed
 * await pipeline.close();
 */
export class LocalPipeline {
  /** The one SQLite connection. */
  readonly database: SqliteDatabase;
  readonly commits: GroupCommit;
  readonly eventBridge: LocalEventBridge;
  readonly queues: QueueStore;
  /** Buffered mode's event queue (it exists in both modes: a data dir can change mode). */
  readonly eventQueue: DurableQueue;
  readonly eventQueueDlq: DurableQueue;
  /** Dead-letter queue of the rule's target. */
  readonly targetDlq: DurableQueue;
  readonly handlers: LocalHandlers;
  readonly instrumented: InstrumentedFunctions;
  /** The state machine's executor (`--executor`: the fast one, or the reference). */
  readonly executor: WorkflowExecutor;
  private closed = false;

  private constructor(
    readonly options: ResolvedRuntimeOptions,
    hooks: PipelineHooks,
  ) {
    this.database = openSqliteDatabase(join(options.dataDir, PIPELINE_RESOURCES.database));
    try {
      // 16 MiB of page cache instead of 64: what the pipeline touches is the end of its tables and
      // indexes; over 1,000,000 events throughput is the same and peak RSS about 50 MB lower (docs/runtime.md).
      this.database.pragma(`cache_size = -${PIPELINE_CACHE_KIB}`);
      this.commits = new GroupCommit(this.database, { intervalMs: options.commitIntervalMs });
      const commits = this.commits;
      const afterCommit: LocalEventBridgeOptions['afterCommit'] = async (events) => {
        await commits.barrier();
        hooks.accepted?.(events);
      };
      this.eventBridge = LocalEventBridge.open({
        database: this.database,
        archive: options.archiveRetentionDays === false ? false : { retentionDays: options.archiveRetentionDays },
        delivery: { concurrency: Math.max(64, options.concurrency * 2) },
        afterCommit,
      });
      this.queues = QueueStore.onDatabase(this.database);
      this.targetDlq = this.queues.queue(PIPELINE_RESOURCES.targetDlq, { retentionMs: 14 * 86_400_000 });
      this.eventQueueDlq = this.queues.queue(PIPELINE_RESOURCES.eventQueueDlq, { retentionMs: 14 * 86_400_000 });
      this.eventQueue = this.queues.queue(PIPELINE_RESOURCES.eventQueue, {
        visibilityTimeoutMs: options.visibilityTimeoutMs,
        redrivePolicy: { deadLetterQueue: PIPELINE_RESOURCES.eventQueueDlq, maxReceiveCount: options.maxReceiveCount },
      });
      this.handlers = createLocalHandlers({
        db: this.database,
        // Time-ordered record ids: each insert lands at the end of the index instead of on a random
        // page (about 4 KB less written per event). A data dir created with Powertools' ids keeps them.
        idempotencyRecordIdsByEventTime: resolveIdempotencyRecordIds(this.database, true),
        ...(hooks.sinks ? { sinks: hooks.sinks } : {}),
        ...(options.mode === 'buffered' ? { maxReceiveCount: options.maxReceiveCount } : {}),
      });
      const base = hooks.functionOverrides ? hooks.functionOverrides({ ...this.handlers.functions }) : this.handlers.functions;
      this.instrumented = instrumentFunctions(base, hooks.outcomes ?? NO_OUTCOMES);
      const definition = buildStateMachineDefinition({ mode: options.mode, maxConcurrency: options.maxConcurrency });
      this.executor = createWorkflowExecutor(options.executor, definition, {
        functions: this.instrumented.functions,
        concurrency: { [FUNCTION_PLACEHOLDERS.processor]: { limit: options.concurrency } },
        ...(options.retryPauseMs !== undefined ? { retryPauseMs: options.retryPauseMs } : {}),
      });
      this.configureBus();
    } catch (error) {
      this.database.close();
      throw error;
    }
  }

  /** Builds the pipeline on `<dataDir>/pipeline.sqlite` (created if missing). Does not start anything but the bus's delivery worker. */
  static open(options: ResolvedRuntimeOptions, hooks: PipelineHooks = {}): LocalPipeline {
    return new LocalPipeline(options, hooks);
  }

  private configureBus(): void {
    const { busName, mode, targetRetry } = this.options;
    const eb = this.eventBridge;
    eb.createEventBus({ Name: busName, EventSourceName: busName });
    eb.putRule({ Name: PIPELINE_RESOURCES.rule, EventBusName: busName, EventPattern: ruleEventPattern(this.options) });
    const retry = { RetryPolicy: { MaximumRetryAttempts: targetRetry.maximumRetryAttempts, MaximumEventAgeInSeconds: targetRetry.maximumEventAgeSeconds }, DeadLetterConfig: { queue: this.targetDlq } };
    const target =
      mode === 'buffered'
        ? { Id: PIPELINE_RESOURCES.queueTargetId, target: durableQueueTarget(this.eventQueue), ...retry }
        : {
            Id: PIPELINE_RESOURCES.stateMachineTargetId,
            target: stateMachineTarget(
              `arn:aws:states:${eb.region}:${eb.accountId}:stateMachine:genesys-events-direct`,
              this.executor,
              this.instrumented.messages,
              this.instrumented.recordedFailures,
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
    const event = JSON.parse(eventJson) as { source?: unknown; 'detail-type'?: unknown; detail?: unknown; time?: unknown; resources?: unknown };
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
    if (!result?.EventId) throw new Error(`PutEvents refused the event: ${result?.ErrorCode ?? 'error'}: ${result?.ErrorMessage ?? 'no reason'}`);
    return 'bus';
  }

  /** Stops the bus's worker, commits, closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.eventBridge.close();
    this.commits.stop();
    this.queues.close();
    if (this.database.open) this.database.close();
  }
}
