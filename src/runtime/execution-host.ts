/**
 * The processing side of the local pipeline — what runs "in Step Functions and Lambda" on AWS:
 * the state machine's executor, the in-process handlers (validator, idempotent processor,
 * projection, dead letters) and their own SQLite file, `processing.sqlite`, with its own group
 * commit.
 *
 * The host does not know which thread it runs on. The runtime runs it on a worker thread (see
 * `executions.ts`), so that ingestion (PutEvents, archive, queue) and processing each have a core;
 * with your own sinks or handler overrides — objects that cannot cross threads — it runs on the
 * main thread. Either way the one rule that keeps events from being lost holds: {@link
 * ExecutionHost.execute} answers only after the execution's effects are committed, so a message
 * is deleted from the queue (or a delivery counted as made) only once what it caused is on disk.
 */
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
// The modules themselves, not the processing index: it also exports the DynamoDB adapters, whose
// AWS SDK would cost the processing thread ~16 MB of memory for nothing.
import { errorMessage } from '../shared/index.js';
import { createLocalHandlers } from '../processing/local.js';
import type { LocalHandlers } from '../processing/local.js';
import type { DirectoryLookup } from '../directory/ports.js';
import type { Sink } from '../processing/sink.js';
import { resolveIdempotencyRecordIds } from '../processing/stores/sqlite-idempotency.js';
import {
  buildStateMachineDefinition,
  createWorkflowExecutor,
  definitionPlaceholders,
  WorkflowExecutionError,
} from '../workflow/index.js';
import type {
  JsonValue,
  LocalLambdaHandler,
  WorkflowExecutor,
  WorkflowExecutorKind,
  WorkflowMode,
} from '../workflow/index.js';
import { openSqliteDatabase } from '../sqlite/index.js';
import type { SqliteDatabase } from '../sqlite/index.js';
import { GroupCommit } from './group-commit.js';
import { isSqsBatch, messageStarts, sqsRecords } from './sqs-batch.js';
import type { MessageStart, SqsBatch } from './sqs-batch.js';
import { instrumentFunctions } from './instrumentation.js';
import type { InstrumentedFunctions, OutcomeSink } from './instrumentation.js';
import type { Durability } from './options.js';

/** The processing database's file in the data directory. */
export const PROCESSING_DATABASE = 'processing.sqlite';

/** SQLite page cache of the processing connection, KiB. */
const PROCESSING_CACHE_KIB = 8 * 1024;

/**
 * WAL pages between automatic checkpoints of `processing.sqlite`. A checkpoint runs inside the
 * commit that crosses the threshold; 10,000 pages (about 40 MB of WAL) instead of SQLite's 1,000
 * copy each hot page (the ends of the tables and indexes) once per 10,000 instead of once per
 * 1,000 written (`docs/runtime.md`, "Performance").
 */
const PROCESSING_WAL_CHECKPOINT_PAGES = 10_000;

/** What the processing side needs to know; plain data, so that it can be sent to a worker thread. */
export interface ExecutionSettings {
  /** The data directory (the host opens `processing.sqlite` in it). */
  dataDir: string;
  mode: WorkflowMode;
  /**
   * Each function's concurrency limit, enforced as Lambda does: an invocation beyond it fails at
   * once with `Lambda.TooManyRequestsException`, which the state machine's retriers handle.
   * `undefined`: no limit (the bound is the pollers × the Map's MaxConcurrency).
   */
  lambdaConcurrencyLimit: number | undefined;
  /** Map `MaxConcurrency`. */
  maxConcurrency: number;
  /** Buffered mode: processor attempts (across deliveries) before the processor dead-letters an event. */
  maxProcessingAttempts: number;
  executor: WorkflowExecutorKind;
  retryPauseMs: number | undefined;
  commitIntervalMs: number;
  /** Conversations whose facts the projection store keeps in memory (`SqliteConversationStore`'s `cacheConversations`). */
  cacheConversations: number;
  /** `full`: `processing.sqlite` syncs its WAL at every commit (docs/runtime.md, "The guarantee"). Default `normal`. */
  durability?: Durability;
}

/** A dead letter of the processing store, as it was when read. */
export interface DeadLetterRef {
  id: string;
  deadLetteredAt: string;
}

/** How an execution ended, once its effects are committed. */
export type ExecutionReply =
  | { ok: true; output: JsonValue }
  | {
      ok: false;
      /** The state error (`States.Timeout`, `Lambda.TooManyRequestsException`, …) or the JavaScript error's name. */
      error: string;
      /** The error's text. */
      message: string;
      /** The workflow dead-lettered the event itself (direct mode's failure recorder ran). */
      deadLettered: boolean;
    };

/** A dead letter of one sink given back to that sink alone (a redrive). */
export interface SinkDelivery {
  /** The sink's name (the dead-letter entry's `sink`). */
  sink: string;
  messageId: string;
  /** The EventBridge event (parsed JSON). */
  event: JsonValue;
}

/** How {@link ExecutionHost.deliverToSink} ended, once its effects are committed. */
export type SinkDeliveryReply =
  | { ok: true; status: 'processed' | 'dead-lettered'; deadLetterId?: string }
  | { ok: false; error: string; message: string };

/** Objects of the caller's thread: they keep the host on that thread. */
export interface ExecutionHooks {
  /** Your sinks, run after the conversation projection. */
  sinks?: readonly Sink[];
  /** Names for your sinks (`context.directory`). */
  directory?: DirectoryLookup;
  /** Replaces handlers before the executor gets them (tests: faults, pauses). */
  functionOverrides?: (functions: Record<string, LocalLambdaHandler>) => Record<string, LocalLambdaHandler>;
}

/**
 * @example
 * const host = ExecutionHost.open(settings, telemetry);
 * host.start();
 * const reply = await host.execute(packSqsBatch(received, queue.arn, 'us-east-1'));
 * await host.close();
 */
export class ExecutionHost {
  readonly database: SqliteDatabase;
  readonly commits: GroupCommit;
  readonly handlers: LocalHandlers;
  readonly instrumented: InstrumentedFunctions;
  readonly executor: WorkflowExecutor;
  /** What opening recovered from a process that died mid-event. */
  readonly recovered: { releasedIdempotencyRecords: number };
  private readonly removeDeadLetter: Statement;
  private purger: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly settings: ExecutionSettings,
    outcomes: OutcomeSink,
    hooks: ExecutionHooks,
    private readonly warn: (message: string) => void,
    fatal: (error: Error) => void,
  ) {
    this.database = openSqliteDatabase(join(settings.dataDir, PROCESSING_DATABASE), {
      walAutoCheckpointPages: PROCESSING_WAL_CHECKPOINT_PAGES,
      cacheSizeKiB: PROCESSING_CACHE_KIB,
      synchronous: settings.durability ?? 'normal',
    });
    try {
      this.handlers = createLocalHandlers({
        db: this.database,
        // Time-ordered record ids: each insert lands at the end of the index instead of on a random
        // page (docs/processing.md, "Performance"). A data dir created with Powertools' ids keeps them.
        idempotencyRecordIdsByEventTime: resolveIdempotencyRecordIds(this.database, true),
        // The runtime is the only processor of its data directory (it holds the lock): events in
        // progress need no row (those of a process that died are deleted at start anyway).
        idempotencyInProgressInMemory: true,
        cacheConversations: settings.cacheConversations,
        ...(hooks.sinks ? { sinks: hooks.sinks } : {}),
        ...(hooks.directory ? { directory: hooks.directory } : {}),
        ...(settings.mode === 'buffered' ? { maxProcessingAttempts: settings.maxProcessingAttempts } : {}),
      });
      // The process that left records in progress is gone (the caller holds the data dir's lock):
      // Powertools would otherwise take them for a worker still busy with the event until they expire.
      this.recovered = {
        releasedIdempotencyRecords: this.database.prepare("DELETE FROM idempotency WHERE status = 'INPROGRESS'").run()
          .changes,
      };
      // An execution's answer waits for its commit, and the pipe sends the next batches only after
      // answers: with no execution running, commit at once rather than at the next tick.
      // A failed commit stops the processing side (fail-stop, see GroupCommit): its executions
      // answer with a failure from then on, and the owner stops the runtime.
      this.commits = new GroupCommit(this.database, {
        intervalMs: settings.commitIntervalMs,
        commitWhenIdle: true,
        onError: (error) => fatal(error instanceof Error ? error : new Error(String(error))),
      });
      this.removeDeadLetter = this.database.prepare('DELETE FROM dead_letters WHERE id = ? AND dead_lettered_at = ?');
      const base = hooks.functionOverrides
        ? hooks.functionOverrides({ ...this.handlers.functions })
        : this.handlers.functions;
      this.instrumented = instrumentFunctions(base, outcomes);
      const definition = buildStateMachineDefinition({ mode: settings.mode, maxConcurrency: settings.maxConcurrency });
      const limit = settings.lambdaConcurrencyLimit;
      this.executor = createWorkflowExecutor(settings.executor, definition, {
        functions: this.instrumented.functions,
        // Like reserved concurrency on every function: beyond it, Lambda throttles.
        ...(limit !== undefined
          ? {
              concurrency: Object.fromEntries(
                definitionPlaceholders(definition).map((fn) => [fn, { limit, onLimit: 'throttle' as const }]),
              ),
              onThrottle: () => outcomes.throttled(1),
            }
          : {}),
        ...(settings.retryPauseMs !== undefined ? { retryPauseMs: settings.retryPauseMs } : {}),
        // The processing core's handlers return fresh plain JSON and never change their input:
        // no copy of every event into and out of each of them (overrides, being anyone's code, get copies).
        copyPayloads: hooks.functionOverrides !== undefined,
      });
    } catch (error) {
      this.database.close();
      throw error;
    }
  }

  /**
   * Opens `processing.sqlite` in the data directory (creating it) and builds the handlers. Call
   * {@link start} before executing. `warn` is told what went wrong in the background (a purge);
   * `fatal`, once, that a commit of `processing.sqlite` failed (nothing more is committed: stop).
   */
  static open(
    settings: ExecutionSettings,
    outcomes: OutcomeSink,
    hooks: ExecutionHooks = {},
    warn: (message: string) => void = () => {},
    fatal: (error: Error) => void = () => {},
  ): ExecutionHost {
    return new ExecutionHost(settings, outcomes, hooks, warn, fatal);
  }

  /** Opens the group transaction; purges expired idempotency records every 10 minutes. */
  start(): void {
    this.commits.start();
    this.purger ??= setInterval(() => this.purgeExpired(), 10 * 60_000);
    this.purger.unref();
  }

  /** Deletes expired idempotency records; a failure is reported to `warn` (the next purge tries again). Returns how many. */
  purgeExpired(): number {
    try {
      return this.handlers.idempotency.purgeExpired();
    } catch (error) {
      this.warn(`Purging expired idempotency records failed (the next purge tries again): ${errorMessage(error)}`);
      return 0;
    }
  }

  /**
   * Runs one execution of the state machine and answers once its effects are committed (a failed
   * commit turns a success into a failure: the caller must not acknowledge). The input is JSON,
   * or an {@link SqsBatch}, run as the SQS records of a batch. `starts` are the events it
   * carries, for latency and retry telemetry (default: those of the batch).
   */
  async execute(execution: JsonValue | SqsBatch, starts?: readonly MessageStart[]): Promise<ExecutionReply> {
    const batch = isSqsBatch(execution) ? execution : undefined;
    const input = batch ? (sqsRecords(batch) as unknown as JsonValue) : (execution as JsonValue);
    const messages = starts ?? (batch ? messageStarts(batch) : []);
    const { messages: contexts, recordedFailures } = this.instrumented;
    for (const m of messages) {
      contexts.set(m.id, {
        acceptedAt: m.acceptedAt,
        attempts: 0,
        ...(m.receivedAt !== undefined ? { receivedAt: m.receivedAt } : {}),
        ...(m.dispatchedAt !== undefined ? { dispatchedAt: m.dispatchedAt } : {}),
      });
      recordedFailures.delete(m.id);
    }
    const failed = this.commits.failed;
    if (failed) return { ok: false, error: failed.name, message: failed.message, deadLettered: false };
    const release = this.commits.hold();
    try {
      let output: JsonValue;
      try {
        output = await this.executor.execute(input);
      } catch (error) {
        release();
        await this.commits.barrier();
        return {
          ok: false,
          error: error instanceof WorkflowExecutionError ? error.error : error instanceof Error ? error.name : 'Error',
          message: errorMessage(error),
          deadLettered: messages.some((m) => recordedFailures.has(m.id)),
        };
      }
      release();
      await this.commits.barrier();
      return { ok: true, output };
    } catch (error) {
      return {
        ok: false,
        error: error instanceof Error ? error.name : 'Error',
        message: errorMessage(error),
        deadLettered: false,
      };
    } finally {
      release();
      for (const m of messages) {
        contexts.delete(m.id);
        recordedFailures.delete(m.id);
      }
    }
  }

  /**
   * Gives an event to one sink alone (`dlq redrive --sink`), outside the state machine and the
   * idempotency record; answers once its effects are committed. Never rejects: a transient
   * failure, or a sink this processor does not have, answers `ok: false`.
   */
  async deliverToSink(delivery: SinkDelivery): Promise<SinkDeliveryReply> {
    const release = this.commits.hold();
    let reply: SinkDeliveryReply;
    try {
      const result = await this.handlers.processor.deliver(
        { messageId: delivery.messageId, event: delivery.event },
        delivery.sink,
      );
      reply =
        result.status === 'dead-lettered'
          ? { ok: true, status: 'dead-lettered', ...(result.deadLetterId ? { deadLetterId: result.deadLetterId } : {}) }
          : { ok: true, status: 'processed' };
    } catch (error) {
      reply = { ok: false, error: error instanceof Error ? error.name : 'Error', message: errorMessage(error) };
    } finally {
      release();
    }
    try {
      await this.commits.barrier();
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.name : 'Error', message: errorMessage(error) };
    }
    return reply;
  }

  /**
   * Deletes dead letters of the processing store after a redrive — each only if it is still the
   * entry that was redriven (`deadLetteredAt` unchanged): an event redriven and dead-lettered
   * again in the meantime keeps its new entry. Resolves once committed; returns how many went.
   */
  async removeDeadLetters(entries: readonly DeadLetterRef[]): Promise<number> {
    let removed = 0;
    this.database.transaction(() => {
      for (const e of entries) removed += this.removeDeadLetter.run(e.id, e.deadLetteredAt).changes;
    })();
    await this.commits.barrier();
    return removed;
  }

  /** Final commit; closes the database. Call after the executions in flight have answered. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.purger) clearInterval(this.purger);
    this.commits.stop();
    if (this.database.open) this.database.close();
  }
}
