/**
 * The local counterpart of the AWS event source mapping and batch starter: the pollers between
 * the event queue and the buffered state machine.
 *
 * Exactly `pollers` run at once — the mapping's `ScalingConfig.MaximumConcurrency`, E — and each
 * runs one execution at a time, so the processor never runs more than E × the Map's
 * `MaxConcurrency` at once, at any backlog. Each gathers a batch — up to `batchSize` messages,
 * or what has arrived `batchWindowMs` after the first one — runs one execution of the `buffered`
 * definition with the batch as the JSON array of SQS records, and — once the processing side has
 * committed the execution's effects — reads the output as the mapping reads a partial-batch
 * response (`ReportBatchItemFailures`):
 *
 * - records not listed in `batchItemFailures` are deleted from the queue;
 * - listed records (throttled, or failed) are left alone: they become visible again when their
 *   visibility timeout ends, and are received again (with `ApproximateReceiveCount` one higher)
 *   until the queue's redrive policy — the backstop — moves them to its dead-letter queue;
 * - an execution that fails as a whole leaves the whole batch to the visibility timeout.
 *
 * (Named after the EventBridge Pipe it first stood for; an SQS-source pipe has no concurrency
 * setting, so the AWS deployment uses an event source mapping.)
 */
import { setMaxListeners } from 'node:events';
import type { DurableQueue, ReceivedMessage } from '../queue/index.js';
import type { Executions } from './executions.js';
import type { ExecutionReply } from './execution-host.js';
import { packSqsBatch } from './sqs-batch.js';

/** Options of {@link PipePoller}. */
interface PipeOptions {
  batchSize: number;
  batchWindowMs: number;
  pollers: number;
  /** Region in the records' `awsRegion`. */
  region: string;
  /**
   * Awaited before each execution starts (the runtime: the durability barrier, so that the
   * receive is counted on disk before the execution could crash the process). A rejection fails
   * the execution (its batch returns after the visibility timeout).
   */
  beforeExecute?: () => Promise<void>;
}

/** What the pipe reports. */
interface PipeObserver {
  /** A batch finished: `deleted` records were deleted, `returned` left for another delivery. */
  batchDone?(result: { size: number; deleted: number; returned: number; stale: number }): void;
  /** An execution failed as a whole; its batch returns after the visibility timeout. */
  executionFailed?(error: unknown, size: number): void;
  /**
   * Deleting a processed batch's records failed (its effects are committed: the records return
   * after the visibility timeout and are recognised as duplicates).
   */
  deleteFailed?(error: unknown, size: number): void;
  /**
   * Receiving failed {@link RECEIVE_FAILURES_BEFORE_FATAL} times in a row (a corrupt or
   * unwritable database): the pollers stop; the owner should stop too.
   */
  receiveFailed?(error: unknown): void;
}

/** Consecutive failed receives (100 ms apart) after which the pollers give up and report it. */
export const RECEIVE_FAILURES_BEFORE_FATAL = 20;

/** Counters of a pipe. */
interface PipeStats {
  batches: number;
  records: number;
  deleted: number;
  returned: number;
  failedExecutions: number;
  /** Executions running now. */
  inFlight: number;
}

/**
 * The pollers between the event queue and the buffered state machine: E of them, one execution each at a time.
 *
 * @example
 * const pipe = new PipePoller(queue, processing, { batchSize: 100, batchWindowMs: 250, pollers: 4, region: 'us-east-1' });
 * pipe.start();
 * await pipe.stop(); // finishes the executions in flight
 */
export class PipePoller {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private readonly counters = { batches: 0, records: 0, deleted: 0, returned: 0, failedExecutions: 0, inFlight: 0 };

  constructor(
    private readonly queue: DurableQueue,
    private readonly executions: Pick<Executions, 'execute'>,
    private readonly options: PipeOptions,
    private readonly observer: PipeObserver = {},
  ) {
    // Every poller waiting on an empty queue listens to the stop signal: more than Node's default
    // of 10 is expected, not a leak.
    setMaxListeners(Math.max(10, options.pollers * 2), this.abort.signal);
  }

  /** Starts the pollers. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.options.pollers }, () => this.poll());
  }

  /** Stops taking batches and waits for the executions in flight to finish and be acknowledged. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all(this.loops);
  }

  stats(): PipeStats {
    return { ...this.counters };
  }

  private async poll(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let batch: ReceivedMessage[];
      const receivedAt: number[] = [];
      try {
        batch = await this.gather(receivedAt);
        failures = 0;
      } catch (error) {
        if (!this.running) return;
        if (++failures >= RECEIVE_FAILURES_BEFORE_FATAL) {
          // Not a passing hiccup: stop polling and say so once, instead of retrying forever.
          if (this.running) {
            this.running = false;
            this.abort.abort();
            this.observer.receiveFailed?.(error);
          }
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (batch.length === 0) continue;
      const running = this.run(batch, receivedAt);
      batch = []; // this frame does not keep the messages while their execution runs
      await running;
    }
  }

  /**
   * Up to `batchSize` messages: waits for a first one, then up to `batchWindowMs` for more.
   * `receivedAt` gets when each was taken (epoch ms), for the latency split.
   */
  private async gather(receivedAt: number[]): Promise<ReceivedMessage[]> {
    const { batchSize, batchWindowMs } = this.options;
    const signal = this.abort.signal;
    const batch = await this.queue.receive({ max: batchSize, waitMs: 1000, signal });
    const first = Date.now();
    for (let i = 0; i < batch.length; i++) receivedAt.push(first);
    if (batch.length === 0 || batch.length >= batchSize || batchWindowMs === 0 || !this.running) return batch;
    const deadline = first + batchWindowMs;
    while (batch.length < batchSize && this.running) {
      const wait = deadline - Date.now();
      if (wait <= 0) break;
      const more = await this.queue.receive({ max: batchSize - batch.length, waitMs: wait, signal });
      const at = Date.now();
      for (const m of more) {
        batch.push(m);
        receivedAt.push(at);
      }
    }
    return batch;
  }

  private run(messages: ReceivedMessage[], receivedAt: readonly number[]): Promise<void> {
    const batch = packSqsBatch(messages, this.queue.arn, this.options.region, receivedAt);
    this.counters.inFlight++;
    this.counters.batches++;
    this.counters.records += messages.length;
    // Only the ids and receipt handles are kept until the answer: the bodies would outlive a
    // young-generation collection or two, and be copied and promoted for nothing.
    const before = this.options.beforeExecute;
    const execution = before
      ? before().then(
          () => this.executions.execute(batch),
          (error: unknown): ExecutionReply => ({
            ok: false,
            error: error instanceof Error ? error.name : 'Error',
            message: `the receive could not be made durable: ${error instanceof Error ? error.message : String(error)}`,
            deadLettered: false,
          }),
        )
      : this.executions.execute(batch);
    return this.acknowledge(execution, batch.messageIds, batch.receiptHandles);
  }

  /** Reads the execution's answer as Pipes does: deletes the records it did not report as failed. */
  private async acknowledge(
    execution: Promise<ExecutionReply>,
    ids: readonly string[],
    handles: readonly string[],
  ): Promise<void> {
    const size = ids.length;
    try {
      const reply = await execution;
      if (!reply.ok) {
        this.counters.failedExecutions++;
        this.observer.executionFailed?.(new Error(`Execution failed with ${reply.error}: ${reply.message}`), size);
        return;
      }
      const output = reply.output;
      const failures = new Set<string>();
      for (const f of (output as { batchItemFailures?: Array<{ itemIdentifier?: unknown }> } | null)
        ?.batchItemFailures ?? []) {
        if (typeof f?.itemIdentifier === 'string') failures.add(f.itemIdentifier);
      }
      const done: string[] = [];
      for (let i = 0; i < size; i++) if (!failures.has(ids[i]!)) done.push(handles[i]!);
      let result: { deleted: number; stale: readonly string[] } = { deleted: 0, stale: [] };
      try {
        if (done.length > 0) result = this.queue.deleteMessages(done);
      } catch (error) {
        this.observer.deleteFailed?.(error, done.length);
        return;
      }
      const { deleted, stale } = result;
      this.counters.deleted += deleted;
      this.counters.returned += failures.size;
      this.observer.batchDone?.({ size, deleted, returned: failures.size, stale: stale.length });
    } finally {
      this.counters.inFlight--;
    }
  }
}
