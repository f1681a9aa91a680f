/**
 * Where the processing side of the local pipeline — the state machine's executions and their
 * handlers ({@link Executions}) — runs, behind one interface: on a worker
 * thread ({@link WorkerExecutions}, the runtime's default — ingestion and processing each get a
 * core, as on AWS the bus and queue are one service and Step Functions + Lambda another) or on
 * the calling thread ({@link InlineExecutions} — needed for your own sinks and handler overrides,
 * which are objects of this thread).
 *
 * Both run a {@link ExecutionHost} on `processing.sqlite`, so a data directory works with
 * either. Telemetry crosses the thread boundary as counters: the worker adds up what its
 * handlers report and sends the sums every 50 ms and with every answer, including the highest
 * number of events in the processor at once since the last report, so the peak concurrency the
 * dashboard shows is the real one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { threadId, Worker } from 'node:worker_threads';
import type { JsonValue } from '../workflow/index.js';
import { ProcessingUnavailableError } from './errors.js';
import type { OutcomeSink } from './instrumentation.js';
import { ExecutionHost } from './execution-host.js';
import type {
  DeadLetterRef,
  ExecutionReply,
  ExecutionHooks,
  ExecutionSettings,
  SinkDelivery,
  SinkDeliveryReply,
} from './execution-host.js';
import type { MessageStart, SqsBatch } from './sqs-batch.js';

/** The processing side — executions of the state machine — wherever it runs. */
export interface Executions {
  /** `worker`: a worker thread of its own; `main`: the calling thread. */
  readonly thread: 'worker' | 'main';
  /** What opening recovered from a process that died mid-event. */
  readonly recovered: { releasedIdempotencyRecords: number };
  /**
   * One execution of the state machine; answers once its effects are committed. Never rejects.
   * `messages`: the events it carries (default: those of an {@link SqsBatch}).
   */
  execute(input: JsonValue | SqsBatch, messages?: readonly MessageStart[]): Promise<ExecutionReply>;
  /** Deletes dead letters of the processing store that are unchanged since read; resolves once committed. */
  removeDeadLetters(entries: readonly DeadLetterRef[]): Promise<number>;
  /** Gives an event to one sink alone (a redrive of that sink's dead letter); answers once committed. */
  deliverToSink(delivery: SinkDelivery): Promise<SinkDeliveryReply>;
  /** Final commit and close (after the executions in flight have answered). */
  close(): Promise<void>;
}

/** What the processing side tells its owner besides answers and outcomes. */
interface ExecutionEvents {
  /**
   * Called once if the processing side fails while running: the worker thread dies, or a commit
   * of `processing.sqlite` fails (its executions answer with a failure from then on).
   */
  fatal?(error: Error): void;
  /** Something went wrong in the background and was dealt with (for the log). */
  warning?(message: string): void;
}

/**
 * Opens the processing side: on a worker thread, or on this one when `thread` is `main`.
 *
 * @example
 * const processing = await openExecutions(settings, 'worker', telemetry);
 * const reply = await processing.execute(records, starts);
 */
export async function openExecutions(
  settings: ExecutionSettings,
  thread: 'worker' | 'main',
  outcomes: OutcomeSink,
  hooks: ExecutionHooks = {},
  events: ExecutionEvents = {},
): Promise<Executions> {
  if (thread === 'main') return InlineExecutions.open(settings, outcomes, hooks, events);
  if (hooks.sinks || hooks.functionOverrides) {
    throw new TypeError(
      'Sinks and function overrides are objects of this thread: open the processing side on the main thread (processingThread: "main") to use them.',
    );
  }
  return WorkerExecutions.start(settings, outcomes, events);
}

/** The processing side on the calling thread. */
export class InlineExecutions implements Executions {
  readonly thread = 'main' as const;
  readonly recovered: { releasedIdempotencyRecords: number };

  private constructor(readonly host: ExecutionHost) {
    this.recovered = host.recovered;
  }

  static open(
    settings: ExecutionSettings,
    outcomes: OutcomeSink,
    hooks: ExecutionHooks = {},
    events: ExecutionEvents = {},
  ): InlineExecutions {
    const host = ExecutionHost.open(
      settings,
      outcomes,
      hooks,
      (message) => events.warning?.(message),
      (error) => events.fatal?.(error),
    );
    host.start();
    return new InlineExecutions(host);
  }

  execute(input: JsonValue | SqsBatch, messages?: readonly MessageStart[]): Promise<ExecutionReply> {
    return this.host.execute(input, messages);
  }

  removeDeadLetters(entries: readonly DeadLetterRef[]): Promise<number> {
    return this.host.removeDeadLetters(entries);
  }

  deliverToSink(delivery: SinkDelivery): Promise<SinkDeliveryReply> {
    return this.host.deliverToSink(delivery);
  }

  async close(): Promise<void> {
    this.host.close();
  }
}

/** Counters of the handlers' outcomes since the last report (see the module comment). */
export interface OutcomeReport {
  processed: number;
  latenciesMs: number[];
  /** Queued, batching, processing ms of each processed event that has them (three values each). */
  stagesMs: number[];
  duplicate: number;
  invalid: number;
  failed: number;
  retried: number;
  deadLettered: number;
  /** Function invocations refused as Lambda throttles them. */
  throttled: number;
  /** Events in the processor now. */
  inFlight: number;
  /** Most events in the processor at once since the last report. */
  peakInFlight: number;
}

/** Messages from the worker thread. */
export type WorkerMessage =
  | { type: 'ready'; recovered: { releasedIdempotencyRecords: number } }
  | { type: 'failed'; message: string }
  | { type: 'outcomes'; report: OutcomeReport }
  | { type: 'warning'; message: string }
  | { type: 'answer'; id: number; value?: unknown; error?: string; report?: OutcomeReport }
  | { type: 'closed'; report?: OutcomeReport };

/** Requests to the worker thread. */
export type WorkerRequest =
  | { type: 'execute'; id: number; input: JsonValue | SqsBatch; messages?: readonly MessageStart[] }
  | { type: 'removeDeadLetters'; id: number; entries: readonly DeadLetterRef[] }
  | { type: 'deliverToSink'; id: number; delivery: SinkDelivery }
  | { type: 'close' };

/**
 * The processing thread's V8 heap limits, for a process started without heap flags (the
 * installed CLI without `NODE_OPTIONS`). V8 reads `--max-old-space-size` and
 * `--max-semi-space-size` for every isolate: when the process has them (`npm start` and the
 * benchmark: 128 MB old, 16 MB semi-spaces) they override these for this thread too — measured
 * with `v8.getHeapStatistics()` in the thread. The young generation lets the per-event garbage of
 * the executions in flight die young; the old generation holds the conversation cache
 * (`docs/runtime.md`, "Memory").
 */
const WORKER_HEAP = {
  maxYoungGenerationSizeMb: 64,
  maxOldGenerationSizeMb: 96,
};

/**
 * Starts the worker thread on the worker module next to this one: the JavaScript file once
 * built. From the TypeScript sources (tsx, vitest) the module is first bundled with esbuild (the
 * sources as one ES module, packages left to `node_modules`; ~0.1 s) into
 * `node_modules/.cache/genesys-event-pipeline/`, where its imports resolve: the thread then needs
 * no TypeScript loader — tsx would run its loader hooks on a thread of their own, ~20 MB more.
 */
async function startWorkerThread(settings: ExecutionSettings): Promise<Worker> {
  const options = { workerData: settings, stdout: false, stderr: false, resourceLimits: WORKER_HEAP };
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return new Worker(new URL('./execution-worker.js', import.meta.url), options);
  return new Worker(
    pathToFileURL(
      await bundleWorkerModule(join(dirname(here), 'execution-worker.ts'), join(dirname(here), '..', '..')),
    ),
    options,
  );
}

/** Bundles `entry` into a file named after its content under `root`'s `node_modules/.cache`; returns its path. */
async function bundleWorkerModule(entry: string, root: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    sourcesContent: false,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const dir = join(root, 'node_modules', '.cache', 'genesys-event-pipeline');
  const file = join(dir, `processing-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // Several processes may bundle at once: write aside, then rename into place (atomic).
    const temporary = `${file}.${process.pid}.${threadId}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, file);
  }
  return file;
}

/** The processing side on a worker thread of its own. */
export class WorkerExecutions implements Executions {
  readonly thread = 'worker' as const;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;
  /** Events in the processor as last told to `outcomes`. */
  private inFlight = 0;

  private constructor(
    private readonly worker: Worker,
    readonly recovered: { releasedIdempotencyRecords: number },
    private readonly outcomes: OutcomeSink,
    private readonly events: ExecutionEvents,
  ) {}

  /** Starts the worker thread; resolves when its database is open and recovered. */
  static async start(
    settings: ExecutionSettings,
    outcomes: OutcomeSink,
    events: ExecutionEvents = {},
  ): Promise<WorkerExecutions> {
    let worker: Worker;
    try {
      worker = await startWorkerThread(settings);
    } catch (error) {
      throw new ProcessingUnavailableError(`The processing thread failed to start: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return new Promise<WorkerExecutions>((resolve, reject) => {
      const early = (error: Error): void =>
        reject(
          new ProcessingUnavailableError(`The processing thread failed to start: ${error.message}`, { cause: error }),
        );
      const earlyExit = (code: number): void =>
        reject(new ProcessingUnavailableError(`The processing thread exited with code ${code} while starting.`));
      worker.once('error', early);
      worker.once('exit', earlyExit);
      worker.once('message', (message: WorkerMessage) => {
        worker.off('error', early);
        worker.off('exit', earlyExit);
        if (message.type !== 'ready') {
          void worker.terminate();
          reject(
            new ProcessingUnavailableError(
              message.type === 'failed'
                ? message.message
                : `The processing thread sent ${message.type} before it was ready.`,
            ),
          );
          return;
        }
        const processing = new WorkerExecutions(worker, message.recovered, outcomes, events);
        processing.listen();
        resolve(processing);
      });
    });
  }

  private listen(): void {
    this.worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'outcomes':
          this.report(message.report);
          break;
        case 'warning':
          this.events.warning?.(message.message);
          break;
        case 'failed':
          // A commit of processing.sqlite failed: the worker answers every execution with a failure.
          if (!this.closing) this.events.fatal?.(new ProcessingUnavailableError(message.message));
          break;
        case 'answer': {
          if (message.report) this.report(message.report);
          const call = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (!call) break;
          if (message.error !== undefined) call.reject(new ProcessingUnavailableError(message.error));
          else call.resolve(message.value);
          break;
        }
        case 'closed':
          if (message.report) this.report(message.report);
          this.resolveClosed?.();
          break;
        default:
          break;
      }
    });
    this.worker.on('error', (error) =>
      this.fail(new ProcessingUnavailableError(`The processing thread failed: ${error.message}`, { cause: error })),
    );
    this.worker.on('exit', (code) => {
      if (this.closing) {
        this.resolveClosed?.();
        return;
      }
      this.fail(new ProcessingUnavailableError(`The processing thread exited unexpectedly (code ${code}).`));
    });
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
    if (this.inFlight > 0) this.outcomes.processingFinished(this.inFlight);
    this.inFlight = 0;
    if (!this.closing) this.events.fatal?.(error);
  }

  /** Tells `outcomes` what the worker reported, raising the in-flight count to the reported peak before lowering it to the current one. */
  private report(r: OutcomeReport): void {
    const o = this.outcomes;
    if (r.peakInFlight > this.inFlight) {
      o.processingStarted(r.peakInFlight - this.inFlight);
      this.inFlight = r.peakInFlight;
    }
    if (r.processed > 0) o.processed(r.processed, r.latenciesMs, r.stagesMs);
    if (r.duplicate > 0) o.duplicate(r.duplicate);
    if (r.invalid > 0) o.invalid(r.invalid);
    if (r.failed > 0) o.failed(r.failed);
    if (r.retried > 0) o.retried(r.retried);
    if (r.deadLettered > 0) o.deadLettered(r.deadLettered);
    if (r.throttled > 0) o.throttled(r.throttled);
    if (r.inFlight < this.inFlight) {
      o.processingFinished(this.inFlight - r.inFlight);
      this.inFlight = r.inFlight;
    }
  }

  private call<T>(request: Extract<WorkerRequest, { id: number }>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new ProcessingUnavailableError('The processing thread is closing.'));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(request.id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage(request);
    });
  }

  execute(input: JsonValue | SqsBatch, messages?: readonly MessageStart[]): Promise<ExecutionReply> {
    // Not an async function: its suspended frame would keep `input` (the batch) alive until the answer.
    return this.call<ExecutionReply>({ type: 'execute', id: this.nextId++, input, messages }).catch(
      (error: unknown) => ({
        ok: false,
        error: (error as Error).name,
        message: (error as Error).message,
        deadLettered: false,
      }),
    );
  }

  removeDeadLetters(entries: readonly DeadLetterRef[]): Promise<number> {
    return this.call<number>({ type: 'removeDeadLetters', id: this.nextId++, entries });
  }

  deliverToSink(delivery: SinkDelivery): Promise<SinkDeliveryReply> {
    return this.call<SinkDeliveryReply>({ type: 'deliverToSink', id: this.nextId++, delivery });
  }

  /** Asks the worker to make its final commit and close, then waits for the thread to end. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.failure) {
        void this.worker.terminate().then(() => resolve());
        return;
      }
      this.resolveClosed = resolve;
      this.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
    });
    return this.closing;
  }
}
