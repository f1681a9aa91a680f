/**
 * Telemetry from the handlers' outcomes: wraps the in-process Lambda handlers the executor calls
 * and reports what each returned (processed, duplicate, dead-lettered, invalid) or threw (a failed
 * attempt), which attempts were retries, and how many events are in the processor right now.
 * The handlers themselves stay untouched; only their results are read.
 */
import { FUNCTION_PLACEHOLDERS } from '../workflow/index.js';
import type { JsonValue, LocalLambdaHandler } from '../workflow/index.js';

/** Where the outcomes go (a `PipelineTelemetry` has all of it). */
export interface OutcomeSink {
  processingStarted(count?: number): void;
  processingFinished(count?: number): void;
  /** `stagesMs`: queued, batching and processing ms of each event that went through a batch (see `LATENCY_STAGES`). */
  processed(count: number, latenciesMs?: ArrayLike<number>, stagesMs?: ArrayLike<number>): void;
  duplicate(count?: number): void;
  invalid(count?: number): void;
  failed(count?: number): void;
  retried(count?: number): void;
  deadLettered(count?: number): void;
  /** `count` function invocations were refused as Lambda throttles them (local `--lambda-concurrency-limit`). */
  throttled(count?: number): void;
}

/** Per-message context the runtime registers while a message is being processed. */
interface MessageContext {
  /** When the event was accepted (SQS `SentTimestamp`, or the delivery start in direct mode), epoch ms. */
  acceptedAt: number;
  /** When a Pipe poller took it from the queue, epoch ms (buffered mode). */
  receivedAt?: number;
  /** When its batch was handed to the state machine, epoch ms (buffered mode). */
  dispatchedAt?: number;
  /** Processor attempts so far in the current delivery. */
  attempts: number;
}

/** The wrapped handlers and the context table they read. */
export interface InstrumentedFunctions {
  functions: Record<string, LocalLambdaHandler>;
  /** Register a message before its execution starts, remove it after (by SQS message id / event id). */
  messages: Map<string, MessageContext>;
  /** Event ids the failure recorder dead-lettered (direct mode), consumed by the state machine target. */
  recordedFailures: Set<string>;
}

/**
 * @example
 * const { functions, messages } = instrumentFunctions(local.functions, telemetry);
 * messages.set(record.messageId, { acceptedAt: Number(record.attributes.SentTimestamp), attempts: 0 });
 */
export function instrumentFunctions(
  base: Readonly<Record<string, LocalLambdaHandler>>,
  sink: OutcomeSink,
  now: () => number = Date.now,
): InstrumentedFunctions {
  const messages = new Map<string, MessageContext>();
  const recordedFailures = new Set<string>();
  const P = FUNCTION_PLACEHOLDERS;
  const functions: Record<string, LocalLambdaHandler> = { ...base };

  const validator = base[P.validator];
  if (validator) {
    functions[P.validator] = async (payload) => {
      const result = (await validator(payload)) as { invalid?: number } | undefined;
      const invalid = Number(result?.invalid) || 0;
      if (invalid > 0) {
        sink.invalid(invalid);
        sink.deadLettered(invalid);
      }
      return result as JsonValue;
    };
  }

  const processor = base[P.processor];
  if (processor) {
    functions[P.processor] = async (payload) => {
      const messageId = (payload as { messageId?: unknown } | null)?.messageId;
      const context = typeof messageId === 'string' ? messages.get(messageId) : undefined;
      if (context) {
        if (context.attempts > 0) sink.retried(1);
        context.attempts++;
      }
      sink.processingStarted(1);
      let result: { status?: unknown } | undefined;
      try {
        result = (await processor(payload)) as { status?: unknown } | undefined;
      } catch (error) {
        sink.failed(1);
        throw error;
      } finally {
        sink.processingFinished(1);
      }
      switch (result?.status) {
        case 'processed': {
          if (!context) {
            sink.processed(1);
            break;
          }
          const at = now();
          const { acceptedAt, receivedAt, dispatchedAt } = context;
          sink.processed(
            1,
            [at - acceptedAt],
            receivedAt !== undefined && dispatchedAt !== undefined
              ? [receivedAt - acceptedAt, dispatchedAt - receivedAt, at - dispatchedAt]
              : [],
          );
          break;
        }
        case 'duplicate':
          sink.duplicate(1);
          break;
        case 'dead-lettered':
          sink.failed(1);
          sink.deadLettered(1);
          break;
        default:
          break;
      }
      return result as JsonValue;
    };
  }

  const reporter = base[P.batchReporter];
  if (reporter) {
    functions[P.batchReporter] = async (payload) => {
      const request = payload as { outcomes?: Array<{ status?: unknown }> } | null;
      const result = (await reporter(payload)) as { batchItemFailures?: unknown[] } | undefined;
      const failures = (request?.outcomes ?? []).filter((o) => o?.status === 'failed').length;
      const returned = result?.batchItemFailures?.length ?? 0;
      // A failure record not handed back to the queue was dead-lettered on its last delivery.
      if (failures > returned) sink.deadLettered(failures - returned);
      return result as JsonValue;
    };
  }

  const recorder = base[P.failureRecorder];
  if (recorder) {
    functions[P.failureRecorder] = async (payload) => {
      const result = await recorder(payload);
      const messageId = (payload as { messageId?: unknown } | null)?.messageId;
      if (typeof messageId === 'string') recordedFailures.add(messageId);
      sink.deadLettered(1);
      return result;
    };
  }
  return { functions, messages, recordedFailures };
}

/** An outcome sink that tells both (the telemetry and, e.g., a benchmark's plain counters). */
export function teeOutcomes(a: OutcomeSink, b: OutcomeSink): OutcomeSink {
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
