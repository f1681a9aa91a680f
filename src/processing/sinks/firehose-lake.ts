/**
 * The data lake on AWS: each new event as one NDJSON line ({@link LakeRecord}) sent to an Amazon
 * Data Firehose stream with `PutRecordBatch`; the stream (the construct's `lake` prop) partitions
 * them by family and date into S3, where a Glue table makes them queryable by Athena.
 *
 * Calls: the events handed to the sink within one turn of the event loop share calls of at most
 * 500 records and 4 MB, and no record may exceed 1,000 KiB — Firehose's fixed limits
 * (PutRecordBatch, Amazon Data Firehose API Reference). In Lambda the processor handles one event
 * per invocation, so a call carries one record; it costs the same (Firehose bills each record
 * rounded up to 5 KB, however it is sent; docs/processing.md, "The data lake").
 *
 * Failures: a call can succeed with some records refused (`FailedPutCount`, each refused entry
 * with an `ErrorCode` such as `ServiceUnavailableException` or `InternalFailure`); those records —
 * only those — are sent again with exponential backoff and jitter, `retries` times. Records still
 * refused then, and calls that fail as a whole after the SDK's own retries (throttling, 5xx,
 * network), fail the event transiently: the pipeline retries it, and in buffered mode dead-letters
 * it *for this sink* at `maxProcessingAttempts` with the last error as the reason. A call Firehose
 * rejects as a whole for good (4xx: the stream does not exist, access denied, invalid argument)
 * and a record too large dead-letter at once (`dlq redrive --sink lake` after the fix).
 *
 * Firehose delivers at least once, and so does the pipeline: a retried event may reach S3 twice.
 * Every record carries the event's `idempotency_key`; count distinct keys in queries
 * (docs/processing.md has the query).
 */
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { GenesysEvent } from '../../events/index.js';
import {
  classifyError,
  describeError,
  LakeSinkError,
  PermanentProcessingError,
  TransientProcessingError,
} from '../errors.js';
import { lakeLine, lakeRecord } from '../lake-record.js';
import type { Sink, SinkContext } from '../sink.js';
import { LAKE_SINK_NAME } from './lake-files.js';

/** Firehose's fixed limits of one `PutRecordBatch` call (they cannot be changed). */
export const FIREHOSE_LIMITS = {
  /** Records per call. */
  recordsPerCall: 500,
  /** Bytes per call: 4 MB, counted here on the base64 form the JSON request carries (the safe reading). */
  bytesPerCall: 4_000_000,
  /** Bytes of one record's data, before base64: 1,000 KiB. */
  bytesPerRecord: 1000 * 1024,
} as const;

/** Options of {@link FirehoseLakeSink}. */
export interface FirehoseLakeSinkOptions {
  /** The Firehose stream's name. */
  deliveryStreamName: string;
  /** The client (default: a `FirehoseClient` of the function's Region and credentials). */
  client?: FirehoseClient;
  /** Rounds of resending the records a call refused (default 3; 0: none). */
  retries?: number;
  /** First backoff delay, ms (default 100); it doubles per round, with jitter, up to `maxDelayMs` (default 2000). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** The clock for `processed_time` (default `Date.now`). */
  now?: () => number;
}

interface Entry {
  data: Uint8Array;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * @example
 * const lake = new FirehoseLakeSink({ deliveryStreamName: process.env.LAKE_DELIVERY_STREAM_NAME! });
 * const processor = createProcessor({ persistenceStore, sinks: [projections, lake], deadLetters });
 */
export class FirehoseLakeSink implements Sink {
  readonly name = LAKE_SINK_NAME;
  readonly #stream: string;
  readonly #client: FirehoseClient;
  readonly #retries: number;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #now: () => number;
  #queue: Entry[] = [];
  #scheduled = false;

  constructor(options: FirehoseLakeSinkOptions) {
    if (typeof options.deliveryStreamName !== 'string' || options.deliveryStreamName.trim() === '')
      throw new LakeSinkError('The Firehose lake sink needs the name of its Firehose stream (deliveryStreamName).');
    const retries = options.retries ?? 3;
    if (!Number.isInteger(retries) || retries < 0 || retries > 10)
      throw new LakeSinkError(`The Firehose lake sink's retries must be a whole number 0–10, got ${String(retries)}.`);
    this.#stream = options.deliveryStreamName;
    this.#client = options.client ?? new FirehoseClient({});
    this.#retries = retries;
    this.#initialDelayMs = options.initialDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 2000;
    this.#now = options.now ?? Date.now;
  }

  handle(event: GenesysEvent, context: SinkContext): Promise<void> {
    const data = Buffer.from(
      lakeLine(lakeRecord(event, { messageId: context.messageId, processedAt: this.#now() })),
      'utf8',
    );
    if (data.length > FIREHOSE_LIMITS.bytesPerRecord)
      return Promise.reject(
        new PermanentProcessingError(
          `The event's lake record is ${data.length} bytes, over Firehose's limit of ${FIREHOSE_LIMITS.bytesPerRecord} bytes per record.`,
        ),
      );
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ data, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const entries = this.#queue;
    this.#queue = [];
    await Promise.all(chunks(entries).map((chunk) => this.#send(chunk)));
  }

  /** One call's records: sent, and the refused ones sent again with backoff (see the module comment). */
  async #send(chunk: Entry[]): Promise<void> {
    let entries = chunk;
    let lastRefusal = '';
    for (let round = 0; ; round++) {
      let responses;
      try {
        const output = await this.#client.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: this.#stream,
            Records: entries.map((e) => ({ Data: e.data })),
          }),
        );
        responses = output.RequestResponses ?? [];
      } catch (error) {
        const reason = `Firehose PutRecordBatch to stream "${this.#stream}" failed: ${describeError(error)}`;
        const failure =
          classifyError(error) === 'permanent'
            ? new PermanentProcessingError(`${reason}. Fix the stream or the function's permissions, then redrive.`, {
                cause: error,
              })
            : new TransientProcessingError(reason, { cause: error });
        for (const e of entries) e.reject(failure);
        return;
      }
      const refused: Entry[] = [];
      entries.forEach((entry, i) => {
        const response = responses[i];
        // A missing response is a refusal: only a RecordId says Firehose has the record.
        if (response && !response.ErrorCode && response.RecordId !== undefined) entry.resolve();
        else {
          refused.push(entry);
          lastRefusal = response?.ErrorCode
            ? `${response.ErrorCode}${response.ErrorMessage ? `: ${response.ErrorMessage}` : ''}`
            : 'no response entry for the record';
        }
      });
      if (refused.length === 0) return;
      if (round >= this.#retries) {
        const failure = new TransientProcessingError(
          `Firehose stream "${this.#stream}" refused the record ${round + 1} times (partial failure of PutRecordBatch); the last error: ${lastRefusal}.`,
        );
        for (const e of refused) e.reject(failure);
        return;
      }
      entries = refused;
      await sleep(backoff(round, this.#initialDelayMs, this.#maxDelayMs));
    }
  }
}

/** Splits the entries into calls within Firehose's limits, in order. */
function chunks(entries: readonly Entry[]): Entry[][] {
  const calls: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Math.ceil(entry.data.length / 3) * 4;
    if (
      current.length > 0 &&
      (current.length >= FIREHOSE_LIMITS.recordsPerCall || bytes + size > FIREHOSE_LIMITS.bytesPerCall)
    ) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/** Exponential backoff with jitter: half the delay fixed, half random. */
function backoff(round: number, initialMs: number, maxMs: number): number {
  const delay = Math.min(maxMs, initialMs * 2 ** round);
  return delay / 2 + Math.random() * (delay / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
