/**
 * The delivery worker: makes the pending deliveries of the {@link DeliveryLog}, retrying failed
 * ones with exponential backoff and jitter until the target's `RetryPolicy` runs out (retry
 * attempts or event age, whichever first), then dead-letters them. Every state change is written
 * to SQLite first, so a restart resumes where the previous process stopped.
 */
import { errorMessage } from '../shared/index.js';
import type { EventBridgeEvent } from './bus-event.js';
import type { PendingDelivery, DeliveryLog } from './bus-deliveries.js';
import type { Rule, ResolvedRuleTarget } from './bus.js';
import { retryDelayMs } from './bus-retry-policy.js';
import type { BackoffOptions } from './bus-retry-policy.js';
import { TargetDeliveryError } from './errors.js';

/** Why retrying stopped, as EventBridge names it in `EXHAUSTED_RETRY_CONDITION`. */
export type ExhaustedRetryCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

/** A delivery that failed for good. */
export interface DeadLetterRequest {
  delivery: PendingDelivery;
  rule: Rule;
  target: ResolvedRuleTarget;
  errorCode: string;
  errorMessage: string;
  /** Absent when the error was not retryable (dead-lettered without retries). */
  exhaustedRetryCondition?: ExhaustedRetryCondition;
  /** Retries made after the first attempt. */
  retryAttempts: number;
}

/** What the worker needs from the bus. */
interface DeliveryWorkerHost {
  /** The rule and target a delivery is for, or undefined when they are not configured now. */
  resolve(busName: string, ruleName: string, targetId: string): { rule: Rule; target: ResolvedRuleTarget } | undefined;
  /** Dead-letters (or records as dropped) a delivery and removes it from the log, atomically where possible. */
  deadLetter(request: DeadLetterRequest): void;
}

/** Options of the worker. */
export interface DeliveryWorkerOptions {
  /** Deliveries in progress at once. Default 64. */
  concurrency?: number;
  /** Backoff between attempts. */
  backoff?: BackoffOptions;
  /** How long to wait before re-checking a delivery whose rule or target is not configured (ms). Default 5000. */
  unconfiguredRecheckMs?: number;
  /** How long `stop` waits for deliveries in progress (ms). Default 10,000. */
  stopTimeoutMs?: number;
  /**
   * Told of an attempt that failed outside the target (its bookkeeping on disk failed: a full
   * disk, an I/O error). The delivery stays pending on disk and is tried again after a restart.
   * Default: written to stderr. Not called once the worker is stopping (a closed database then is expected).
   */
  onError?: (error: unknown, deliveryId: number) => void;
}

/** Counters of the worker (this process only). */
interface DeliveryCounters {
  /** Deliveries that succeeded. */
  delivered: number;
  /** Failed attempts that were scheduled for a retry. */
  retried: number;
  /** Deliveries given up (sent to a DLQ or recorded as dropped). */
  failed: number;
  /** Times a delivery waited because its rule or target was not configured. */
  waitingForTarget: number;
}

const MAX_ERROR_MESSAGE = 2000;

/** The error code, message and retryability of a failed delivery. */
function describeDeliveryFailure(error: unknown): { code: string; message: string; retryable: boolean } {
  const message = errorMessage(error).slice(0, MAX_ERROR_MESSAGE);
  if (error instanceof TargetDeliveryError) return { code: error.errorCode, message, retryable: error.retryable };
  return { code: 'ERROR_FROM_TARGET', message, retryable: true };
}

/** See the module comment. Created and driven by `LocalEventBridge`. */
export class DeliveryWorker {
  readonly counters: DeliveryCounters = { delivered: 0, retried: 0, failed: 0, waitingForTarget: 0 };
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly concurrency: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private pumpQueued = false;

  constructor(
    private readonly log: DeliveryLog,
    private readonly host: DeliveryWorkerHost,
    private readonly options: DeliveryWorkerOptions,
    private readonly now: () => number,
  ) {
    this.concurrency = options.concurrency ?? 64;
  }

  /** Starts delivering (the first look at the log happens on a later tick). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.queuePump();
  }

  /** Stops taking deliveries and waits (up to `stopTimeoutMs`) for those in progress. Unfinished ones stay pending on disk. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight.size === 0) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight.values()]),
      new Promise((resolve) => {
        timeout = setTimeout(resolve, this.options.stopTimeoutMs ?? 10_000);
      }),
    ]);
    clearTimeout(timeout);
  }

  /** Deliveries being made right now. */
  get active(): number {
    return this.inFlight.size;
  }

  /** First attempts of deliveries just committed: started at once while there is capacity; the rest wait in the log. */
  offer(deliveries: ReadonlyArray<{ delivery: PendingDelivery; event: EventBridgeEvent }>): void {
    if (!this.running) return;
    for (const { delivery, event } of deliveries) {
      if (this.inFlight.size >= this.concurrency) {
        this.queuePump();
        return;
      }
      this.launch(delivery, event);
    }
  }

  private queuePump(): void {
    if (this.pumpQueued || !this.running) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.running) return;
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) return; // a finishing delivery pumps again
    const now = this.now();
    const due = this.log.due(now, free + this.inFlight.size).filter((d) => !this.inFlight.has(d.id));
    for (const d of due.slice(0, free)) this.launch(d);
    if (due.length < free) {
      const next = this.log.nextDueAt();
      if (next !== undefined && (this.inFlight.size === 0 || next > now)) this.wakeAt(next);
    }
  }

  private wakeAt(when: number): void {
    const delay = Math.min(Math.max(when - this.now(), 5), 1000);
    const at = Date.now() + delay;
    if (this.timer && this.timerAt <= at) return; // an earlier wake-up is already set
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, delay);
    this.timer.unref();
  }

  private launch(delivery: PendingDelivery, event?: EventBridgeEvent): void {
    const run = this.attempt(delivery, event)
      .catch((error: unknown) => {
        // The delivery's bookkeeping failed (target failures are recorded by `attempt` itself): it
        // stays pending on disk. After `stop` a closed database is expected and says nothing.
        if (!this.running) return;
        const report =
          this.options.onError ??
          ((e: unknown, id: number) => console.error(`local event bus: delivery ${id} failed: ${errorMessage(e)}`));
        report(error, delivery.id);
      })
      .finally(() => {
        this.inFlight.delete(delivery.id);
        this.queuePump();
      });
    this.inFlight.set(delivery.id, run);
  }

  private async attempt(delivery: PendingDelivery, parsed?: EventBridgeEvent): Promise<void> {
    const ref = this.host.resolve(delivery.busName, delivery.ruleName, delivery.targetId);
    if (!ref) {
      this.counters.waitingForTarget++;
      this.log.defer(delivery.id, this.now() + (this.options.unconfiguredRecheckMs ?? 5000));
      return;
    }
    const { rule, target } = ref;
    const maxAgeMs = target.retryPolicy.MaximumEventAgeInSeconds * 1000;
    if (this.now() - delivery.ingestedAt >= maxAgeMs) {
      this.giveUp({
        delivery,
        rule,
        target,
        errorCode: delivery.lastErrorCode ?? 'UNKNOWN',
        errorMessage:
          delivery.lastErrorMessage ??
          `The event was older than MaximumEventAgeInSeconds (${target.retryPolicy.MaximumEventAgeInSeconds}) before it could be delivered.`,
        exhaustedRetryCondition: 'MaximumEventAgeInSeconds',
        retryAttempts: Math.max(delivery.attempts - 1, 0),
      });
      return;
    }
    try {
      await target.target.deliver(delivery.body, parsed ?? (JSON.parse(delivery.event) as EventBridgeEvent));
    } catch (error) {
      this.failed(delivery, rule, target, error, maxAgeMs);
      return;
    }
    this.log.remove(delivery.id);
    this.counters.delivered++;
  }

  private failed(
    delivery: PendingDelivery,
    rule: Rule,
    target: ResolvedRuleTarget,
    error: unknown,
    maxAgeMs: number,
  ): void {
    const attempts = delivery.attempts + 1;
    const { code, message, retryable } = describeDeliveryFailure(error);
    const base = { delivery, rule, target, errorCode: code, errorMessage: message, retryAttempts: attempts - 1 };
    if (!retryable) return this.giveUp(base);
    if (attempts > target.retryPolicy.MaximumRetryAttempts)
      return this.giveUp({ ...base, exhaustedRetryCondition: 'MaximumRetryAttempts' });
    const next = this.now() + retryDelayMs(attempts, this.options.backoff);
    if (next - delivery.ingestedAt >= maxAgeMs)
      return this.giveUp({ ...base, exhaustedRetryCondition: 'MaximumEventAgeInSeconds' });
    this.log.reschedule(delivery.id, attempts, next, code, message);
    this.counters.retried++;
    if (this.running) this.wakeAt(next);
  }

  private giveUp(request: DeadLetterRequest): void {
    this.host.deadLetter(request);
    this.counters.failed++;
  }
}
