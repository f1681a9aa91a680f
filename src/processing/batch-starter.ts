/**
 * The batch starter: what the event source mapping invokes with a batch of SQS records. It runs
 * the buffered state machine over the batch — synchronously, so that the mapping's
 * `MaximumConcurrency` (E batches at once) times the Map's `MaxConcurrency` (M) bounds the
 * processor — and answers with the partial-batch response (`ReportBatchItemFailures`).
 *
 * - **Chunks.** An execution's input is at most 262,144 bytes (Step Functions quotas), so the
 *   records are split into chunks under that size, run **one after another**: one starter runs
 *   one execution at a time, and the bound E × M holds. A record that cannot fit one execution
 *   even alone is dead-lettered with the reason (it could never be processed).
 * - **Time.** Before each chunk the starter checks it has the execution's worst-case duration
 *   left; if not, that chunk and the rest go back to the queue unprocessed.
 * - **Handed back, not failed.** The records the execution reports in `batchItemFailures`
 *   (throttled, or failed and not yet dead-lettered), and every record of a chunk whose execution
 *   did not succeed or could not be started, are returned to the queue. Nothing here counts as a
 *   failure of an event: only the processor counts those.
 *
 * The port {@link ExecutionRunner} is `StartSyncExecution` on AWS (`src/functions/batch-starter.ts`).
 */
import { describeError, truncateText } from './errors.js';
import { noopLogger } from './logger.js';
import type { ProcessingLogger } from './logger.js';
import { deadLetterEntry } from './stores/dead-letter.js';
import type { DeadLetterStore } from './stores/dead-letter.js';

/** The largest execution input: 256 KiB of UTF-8 (Step Functions service quotas). */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;

/** One record of an SQS event as the event source mapping delivers it (the fields the starter reads). */
export interface SqsEventRecord {
  messageId: string;
  body: string;
  attributes?: Record<string, string | undefined>;
  [field: string]: unknown;
}

/** How an execution ended (`StartSyncExecution`'s `status`, `output`, `error`, `cause`). */
export interface ExecutionOutcome {
  /** `SUCCEEDED`, `FAILED`, `TIMED_OUT` (or anything else Step Functions reports). */
  status: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** Runs one execution of the buffered state machine with `input` (JSON text) and waits for its end. */
export interface ExecutionRunner {
  run(input: string): Promise<ExecutionOutcome>;
}

/** Options of {@link createBatchStarter}. */
export interface BatchStarterOptions {
  runner: ExecutionRunner;
  /** The worst-case duration of one execution, ms (`executionTimeBudget` of the deployed definition). */
  executionBudgetMs: number;
  /** Where a record too large for any execution goes, with the reason. */
  deadLetters: DeadLetterStore;
  /** The execution input limit, bytes (default {@link MAX_EXECUTION_INPUT_BYTES}). */
  maxInputBytes?: number;
  logger?: ProcessingLogger;
}

/** The answer to the event source mapping, and what happened. */
export interface BatchStartResult {
  /** The partial-batch response: these records return to the queue. */
  batchItemFailures: { itemIdentifier: string }[];
  /** Executions run. */
  executions: number;
  /** Records returned to the queue because the execution reported them (throttled or failed). */
  reported: number;
  /** Records returned because their execution failed, could not start, or there was no time left. */
  unprocessed: number;
  /** Records dead-lettered as too large for one execution. */
  oversized: number;
}

/**
 * The record as an execution gets it: what the workflow reads (id, body, receive count and sent
 * time); the receipt handle, MD5 and ARNs stay out of the 256 KiB.
 */
export function executionRecord(record: SqsEventRecord): {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
} {
  const a = record.attributes ?? {};
  const attributes: Record<string, string> = {};
  for (const name of ['ApproximateReceiveCount', 'SentTimestamp', 'ApproximateFirstReceiveTimestamp']) {
    const value = a[name];
    if (typeof value === 'string') attributes[name] = value;
  }
  return { messageId: record.messageId, body: record.body, attributes };
}

/**
 * Splits records into chunks whose JSON array is at most `maxBytes` of UTF-8, in order;
 * `oversized` are the records that exceed it alone.
 *
 * @example
 * chunkRecords(records.map(executionRecord), 262_144) // → { chunks: [[…], […]], oversized: [] }
 */
export function chunkRecords<T extends { messageId: string }>(
  records: readonly T[],
  maxBytes = MAX_EXECUTION_INPUT_BYTES,
): { chunks: Array<{ records: T[]; json: string }>; oversized: Array<{ record: T; bytes: number }> } {
  const chunks: Array<{ records: T[]; json: string }> = [];
  const oversized: Array<{ record: T; bytes: number }> = [];
  let current: T[] = [];
  let parts: string[] = [];
  let bytes = 2; // "[" and "]"
  const flush = (): void => {
    if (current.length) chunks.push({ records: current, json: `[${parts.join(',')}]` });
    current = [];
    parts = [];
    bytes = 2;
  };
  for (const record of records) {
    const json = JSON.stringify(record);
    const size = Buffer.byteLength(json, 'utf8');
    if (size + 2 > maxBytes) {
      oversized.push({ record, bytes: size + 2 });
      continue;
    }
    if (current.length && bytes + 1 + size > maxBytes) flush();
    bytes += (current.length ? 1 : 0) + size;
    current.push(record);
    parts.push(json);
  }
  flush();
  return { chunks, oversized };
}

/**
 * Creates the batch starter.
 *
 * @example
 * const starter = createBatchStarter({ runner, executionBudgetMs: 234_000, deadLetters });
 * return starter.start(event.Records, () => context.getRemainingTimeInMillis());
 */
export function createBatchStarter(options: BatchStarterOptions): {
  start(records: readonly SqsEventRecord[], remainingTimeMs: () => number): Promise<BatchStartResult>;
} {
  const logger = options.logger ?? noopLogger;
  const maxBytes = options.maxInputBytes ?? MAX_EXECUTION_INPUT_BYTES;
  if (!(Number.isFinite(options.executionBudgetMs) && options.executionBudgetMs > 0))
    throw new RangeError(
      `executionBudgetMs must be a positive number of ms, got ${String(options.executionBudgetMs)}.`,
    );
  return {
    async start(records, remainingTimeMs) {
      const result: BatchStartResult = {
        batchItemFailures: [],
        executions: 0,
        reported: 0,
        unprocessed: 0,
        oversized: 0,
      };
      const giveBack = (ids: Iterable<string>): number => {
        let n = 0;
        for (const id of ids) {
          result.batchItemFailures.push({ itemIdentifier: id });
          n++;
        }
        return n;
      };
      const byId = new Map(records.map((r) => [r.messageId, r]));
      const { chunks, oversized } = chunkRecords(records.map(executionRecord), maxBytes);

      for (const { record, bytes } of oversized) {
        const original = byId.get(record.messageId)!;
        try {
          await options.deadLetters.put(
            deadLetterEntry({
              stage: 'validate',
              reason: `The SQS record is ${bytes} bytes as execution input, more than the ${maxBytes} bytes a Step Functions execution accepts: it cannot be processed. Process it by hand, or shrink the event.`,
              body: original.body,
              messageId: original.messageId,
              receiveCount: Number(original.attributes?.ApproximateReceiveCount ?? 1) || 1,
            }),
          );
          result.oversized++;
          logger.error('Record too large for one execution: dead-lettered', { messageId: original.messageId, bytes });
        } catch (error) {
          result.unprocessed += giveBack([original.messageId]);
          logger.error('Dead-lettering an oversized record failed; it returns to the queue', {
            messageId: original.messageId,
            error: describeError(error),
          });
        }
      }

      for (let i = 0; i < chunks.length; i++) {
        const chunk = chunks[i]!;
        const ids = chunk.records.map((r) => r.messageId);
        if (remainingTimeMs() < options.executionBudgetMs) {
          const rest = chunks.slice(i).flatMap((c) => c.records.map((r) => r.messageId));
          result.unprocessed += giveBack(rest);
          logger.warn('Not enough time left for another execution: the rest of the batch returns to the queue', {
            records: rest.length,
            remainingMs: remainingTimeMs(),
            budgetMs: options.executionBudgetMs,
          });
          break;
        }
        let outcome: ExecutionOutcome;
        try {
          outcome = await options.runner.run(chunk.json);
          result.executions++;
        } catch (error) {
          // StartSyncExecution itself failed (after the SDK's retries): the rest waits for another delivery.
          const rest = chunks.slice(i).flatMap((c) => c.records.map((r) => r.messageId));
          result.unprocessed += giveBack(rest);
          logger.error('The execution could not be started: the rest of the batch returns to the queue', {
            records: rest.length,
            error: describeError(error),
          });
          break;
        }
        if (outcome.status !== 'SUCCEEDED') {
          result.unprocessed += giveBack(ids);
          logger.error('The execution did not succeed: its records return to the queue', {
            status: outcome.status,
            error: outcome.error,
            cause: truncateText(outcome.cause ?? ''),
            records: ids.length,
          });
          continue;
        }
        const reported = reportedFailures(outcome.output, ids);
        if (reported === undefined) {
          result.unprocessed += giveBack(ids);
          logger.error('The execution output has no batchItemFailures list: its records return to the queue', {
            output: truncateText(outcome.output ?? ''),
          });
          continue;
        }
        result.reported += giveBack(reported);
      }
      return result;
    },
  };
}

/** The ids of this chunk the execution output lists in `batchItemFailures`, or `undefined` if the output is not that shape. */
function reportedFailures(output: string | undefined, ids: readonly string[]): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output ?? '');
  } catch {
    return undefined;
  }
  const list = (parsed as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (!Array.isArray(list)) return undefined;
  const mine = new Set(ids);
  const out = new Set<string>();
  for (const f of list) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id === 'string' && mine.has(id)) out.add(id);
  }
  return [...out];
}
