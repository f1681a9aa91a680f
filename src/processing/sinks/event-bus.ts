/**
 * The fan-out sink: re-publishes every new event — validated, deduplicated, with its family's
 * typed body and its idempotency key — to an Amazon EventBridge custom bus with PutEvents, so that
 * other teams subscribe with ordinary rules (docs/processing.md, "Fan-out to an event bus").
 *
 * Each event becomes one entry: `Source` {@link FAN_OUT_SOURCE}, `DetailType` the event's family
 * (`conversation`, `user-presence`, …, `generic`), `Time` the Genesys event's own time, and a
 * `Detail` of the family's shape ({@link FanOutDetail}).
 *
 * Limits (AWS): at most 10 entries per PutEvents request, and their total size — counted as AWS
 * counts it ({@link putEventsEntrySize}) — at most `maxRequestBytes` (default 256 KiB). Entries of
 * events handled at the same time share requests within those limits; an entry larger than the
 * limit alone is dead-lettered for this sink with its size.
 *
 * Failures: PutEvents can succeed for some entries and fail for others (`FailedEntryCount`, an
 * `ErrorCode` per entry). `ThrottlingException` and `InternalFailure` — the codes AWS documents as
 * retryable — are sent again, alone, after an exponential backoff with full jitter; still failing
 * after `retries`, they end as a transient failure (the pipeline retries the event, and
 * dead-letters it for this sink at its limit of attempts). Any other code is permanent: the event
 * is dead-lettered for this sink with the code and message. A request that fails as a whole
 * (after the SDK's own retries) is transient or permanent by its error; a permanent one with
 * several entries sends each entry again alone, so that one bad entry does not take its
 * neighbours with it.
 *
 * Duplicates: the processor runs the sink once per successful processing of an event key, so a
 * Genesys re-send or a queue redelivery of a processed event is not published again. Delivery is
 * still *at least once*: a PutEvents whose answer was lost and is retried, or an event processed
 * again after a later failure, is published again with the same `detail.key` — consumers that
 * must not count twice deduplicate on it.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsCommandOutput, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  PUT_EVENTS_DEFAULT_MAX_REQUEST_BYTES,
  PUT_EVENTS_MAX_ENTRIES,
  putEventsEntrySize,
} from '../../contract/put-events.js';
import type { GenesysEvent } from '../../events/index.js';
import {
  classifyError,
  describeError,
  EventBusSinkConfigError,
  PermanentProcessingError,
  TransientProcessingError,
} from '../errors.js';
import type { Sink } from '../sink.js';

/** The `source` of every event the sink publishes: what a consumer's rule matches first. */
export const FAN_OUT_SOURCE = 'genesys-event-pipeline';

/** The version of the detail shape ({@link FanOutDetail}); it changes only with a breaking change. */
export const FAN_OUT_DETAIL_VERSION = 1;

/** The sink's name, in its dead letters (`process#<key>@fan-out`) and in `dlq redrive --sink fan-out`. */
export const FAN_OUT_SINK_NAME = 'fan-out';

/** The processor's metric (Powertools, on AWS) counting fan-out entries that failed; the construct alarms on it. */
export const FAN_OUT_FAILED_METRIC = 'FanOutEntriesFailed';

/** The per-entry error codes AWS documents as retryable (`PutEventsResultEntry.ErrorCode`). */
export const RETRYABLE_PUT_EVENTS_ERROR_CODES: readonly string[] = ['ThrottlingException', 'InternalFailure'];

/** What every detail carries, whatever the family. */
interface FanOutDetailBase<Family extends GenesysEvent['kind'], Body> {
  /** {@link FAN_OUT_DETAIL_VERSION}. */
  version: typeof FAN_OUT_DETAIL_VERSION;
  /** The idempotency key: SHA-256 of the concrete topic and the body (the same for a re-sent event). Deduplicate on it. */
  key: string;
  /** The event family, as `detail-type`. */
  family: Family;
  /** The generic Genesys topic, e.g. `v2.detail.events.conversation.{id}.acd.end`. */
  topic: string;
  /** The concrete topic, with its ids. */
  topicName: string;
  /** The Genesys organization. */
  orgId: string;
  /** When it happened (the body's own time), ISO 8601 with milliseconds. */
  time: string;
  /** The id of the partner event Genesys sent (the EventBridge event the pipeline received). */
  sourceEventId: string;
  /** The Genesys event body, validated against the family's schema. */
  body: Body;
}

/** The detail of each family: the common fields, the ids the family is about, and its typed body. */
export type FanOutDetail =
  | (FanOutDetailBase<'conversation', Extract<GenesysEvent, { kind: 'conversation' }>['body']> & {
      conversationId: string;
    })
  | (FanOutDetailBase<
      'user-presence' | 'user-routing-status' | 'user-activity',
      Extract<GenesysEvent, { kind: 'user-presence' | 'user-routing-status' | 'user-activity' }>['body']
    > & { userId: string })
  | (FanOutDetailBase<'audit', Extract<GenesysEvent, { kind: 'audit' }>['body']> & {
      entityType: string;
      entityId: string;
    })
  | (FanOutDetailBase<'transcription', Extract<GenesysEvent, { kind: 'transcription' }>['body']> & {
      conversationId: string;
    })
  | (FanOutDetailBase<'generic', Record<string, unknown>> & { ids: string[]; entityId?: string });

/**
 * The detail the sink publishes for an event.
 *
 * @example
 * fanOutDetail(event) // → { version: 1, key: '3f…', family: 'conversation', topic: 'v2.detail.events.conversation.{id}.acd.end', conversationId: '…', body: { … }, … }
 */
export function fanOutDetail(event: GenesysEvent): FanOutDetail {
  const base = {
    version: FAN_OUT_DETAIL_VERSION,
    key: event.key,
    topic: event.genericTopic,
    topicName: event.topicName,
    orgId: event.orgId,
    time: new Date(event.time).toISOString(),
    sourceEventId: event.envelope.id,
  } as const;
  switch (event.kind) {
    case 'conversation':
      return { ...base, family: event.kind, conversationId: event.conversationId, body: event.body };
    case 'user-presence':
    case 'user-routing-status':
    case 'user-activity':
      return { ...base, family: event.kind, userId: event.userId, body: event.body };
    case 'audit':
      return { ...base, family: event.kind, entityType: event.entityType, entityId: event.entityId, body: event.body };
    case 'transcription':
      return { ...base, family: event.kind, conversationId: event.conversationId, body: event.body };
    case 'generic':
      return {
        ...base,
        family: event.kind,
        ids: event.ids,
        ...(event.entityId !== undefined ? { entityId: event.entityId } : {}),
        body: event.body,
      };
  }
}

/**
 * The PutEvents entry of an event (see the module comment).
 *
 * @example
 * fanOutEntry(event, { eventBusName: 'contact-centre-events' })
 * // → { EventBusName: 'contact-centre-events', Source: 'genesys-event-pipeline', DetailType: 'conversation', Time: Date, Detail: '{"version":1,…}' }
 */
export function fanOutEntry(
  event: GenesysEvent,
  options: { eventBusName: string; source?: string },
): PutEventsRequestEntry {
  return {
    EventBusName: options.eventBusName,
    Source: options.source ?? FAN_OUT_SOURCE,
    DetailType: event.kind,
    Time: new Date(event.time),
    Detail: JSON.stringify(fanOutDetail(event)),
  };
}

/**
 * What the sink needs of an EventBridge client: `EventBridgeClient` of the AWS SDK v3, or an
 * adapter (the local runtime's, over its own bus).
 */
export interface PutEventsClient {
  send(command: PutEventsCommand): Promise<Pick<PutEventsCommandOutput, 'FailedEntryCount' | 'Entries'>>;
}

/** An entry that ended in failure, as told to {@link EventBusSinkOptions.onEntryFailed}. */
export interface FanOutFailure {
  /** The event's idempotency key. */
  key: string;
  /** The per-entry `ErrorCode`, the request's error name, or `EntryTooLarge`. */
  code: string;
  /** Permanent (dead-lettered for this sink) or transient (the event will be retried). */
  permanent: boolean;
}

/** Options of {@link EventBusSink}. */
export interface EventBusSinkOptions {
  /** The bus to publish to: its name or ARN. */
  eventBusName: string;
  /** The EventBridge client (AWS SDK v3 `EventBridgeClient`, or the local runtime's adapter). */
  client: PutEventsClient;
  /** The events' `source` (default {@link FAN_OUT_SOURCE}). */
  source?: string;
  /**
   * The total entry size of one request, bytes (default 256 KiB). AWS accepts up to 1 MiB since
   * January 2026; raise it only where the bus and every consumer take events that large.
   */
  maxRequestBytes?: number;
  /** Attempts after the first of an entry that failed with a retryable code (default 4; 0: none). */
  retries?: number;
  /** First backoff delay, ms (default 100); it doubles at each attempt up to `maxDelayMs` (default 2000), with full jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** PutEvents requests in flight at once (default 8). */
  maxConcurrentRequests?: number;
  /** Told of every entry that ends in failure (the processor on AWS counts them in a metric). */
  onEntryFailed?: (failure: FanOutFailure) => void;
}

/** One entry waiting to be published, and the `handle` call waiting for it. */
interface Pending {
  key: string;
  entry: PutEventsRequestEntry;
  size: number;
  /** Failed attempts so far with a retryable code. */
  attempts: number;
  /** Send in a request of its own (a retry, or after a permanent request error). */
  alone: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * @example
 * import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
 * const sinks = [new EventBusSink({ eventBusName: 'contact-centre-events', client: new EventBridgeClient({}) })];
 */
export class EventBusSink implements Sink {
  readonly name = FAN_OUT_SINK_NAME;
  readonly #bus: string;
  readonly #client: PutEventsClient;
  readonly #source: string;
  readonly #maxRequestBytes: number;
  readonly #retries: number;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxConcurrent: number;
  readonly #onEntryFailed: ((failure: FanOutFailure) => void) | undefined;
  readonly #queue: Pending[] = [];
  #scheduled = false;
  #inFlight = 0;

  constructor(options: EventBusSinkOptions) {
    const problems: string[] = [];
    if (typeof options.eventBusName !== 'string' || options.eventBusName.trim() === '')
      problems.push('eventBusName must be the name or ARN of the bus to publish to.');
    if (!options.client || typeof options.client.send !== 'function')
      problems.push('client must be an EventBridgeClient (AWS SDK v3) or an object with send(PutEventsCommand).');
    const source = options.source ?? FAN_OUT_SOURCE;
    if (!/^[A-Za-z0-9._\-/]{1,256}$/.test(source) || source.startsWith('aws.'))
      problems.push(
        `source ${JSON.stringify(source)} is not one EventBridge accepts from PutEvents: 1–256 letters, digits, ".", "_", "-", "/", not starting with "aws.".`,
      );
    const maxRequestBytes = options.maxRequestBytes ?? PUT_EVENTS_DEFAULT_MAX_REQUEST_BYTES;
    if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < 1024 || maxRequestBytes > 1024 * 1024)
      problems.push(`maxRequestBytes must be a whole number of bytes from 1024 to 1048576 (1 MiB, AWS's limit).`);
    const retries = options.retries ?? 4;
    if (!Number.isInteger(retries) || retries < 0 || retries > 10)
      problems.push(`retries must be a whole number 0–10, got ${String(retries)}.`);
    const maxConcurrent = options.maxConcurrentRequests ?? 8;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)
      problems.push(`maxConcurrentRequests must be a positive whole number, got ${String(maxConcurrent)}.`);
    if (problems.length)
      throw new EventBusSinkConfigError(`The fan-out sink's options are invalid: ${problems.join(' ')}`);
    this.#bus = options.eventBusName;
    this.#client = options.client;
    this.#source = source;
    this.#maxRequestBytes = maxRequestBytes;
    this.#retries = retries;
    this.#initialDelayMs = options.initialDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 2000;
    this.#maxConcurrent = maxConcurrent;
    this.#onEntryFailed = options.onEntryFailed;
  }

  handle(event: GenesysEvent): Promise<void> {
    const entry = fanOutEntry(event, { eventBusName: this.#bus, source: this.#source });
    const size = putEventsEntrySize(entry);
    if (size > this.#maxRequestBytes) {
      this.#failed(event.key, 'EntryTooLarge', true);
      return Promise.reject(
        new PermanentProcessingError(
          `The event's fan-out entry is ${size} bytes as EventBridge counts it, over the ${this.#maxRequestBytes} bytes a PutEvents request may carry; raise the sink's maxRequestBytes (AWS accepts up to 1 MiB), then redrive it with "dlq redrive --sink ${FAN_OUT_SINK_NAME}".`,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.#enqueue({ key: event.key, entry, size, attempts: 0, alone: false, resolve, reject });
    });
  }

  #enqueue(pending: Pending): void {
    this.#queue.push(pending);
    if (this.#scheduled) return;
    this.#scheduled = true;
    // The entries of the events handled in this turn of the event loop share requests.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#maxConcurrent) {
      const batch = this.#takeBatch();
      this.#inFlight++;
      void this.#send(batch).finally(() => {
        this.#inFlight--;
        this.#flush();
      });
    }
  }

  /** The next request's entries: at most 10, within the size limit; an entry marked `alone` goes by itself. */
  #takeBatch(): Pending[] {
    const first = this.#queue.shift()!;
    const batch = [first];
    if (first.alone) return batch;
    let bytes = first.size;
    for (let i = 0; i < this.#queue.length && batch.length < PUT_EVENTS_MAX_ENTRIES;) {
      const next = this.#queue[i]!;
      if (next.alone || bytes + next.size > this.#maxRequestBytes) {
        i++;
        continue;
      }
      bytes += next.size;
      batch.push(next);
      this.#queue.splice(i, 1);
    }
    return batch;
  }

  async #send(batch: Pending[]): Promise<void> {
    let output: Pick<PutEventsCommandOutput, 'FailedEntryCount' | 'Entries'>;
    try {
      output = await this.#client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
    } catch (error) {
      const permanent = classifyError(error) === 'permanent';
      if (permanent && batch.length > 1) {
        // Which entry made the request fail? Each goes again alone.
        for (const p of batch) this.#enqueue({ ...p, alone: true });
        return;
      }
      const name = error instanceof Error ? error.name : 'Error';
      const reason = `PutEvents to event bus ${this.#bus} failed: ${describeError(error)}`;
      for (const p of batch) {
        this.#failed(p.key, name, permanent);
        p.reject(
          permanent
            ? new PermanentProcessingError(
                `${reason}. Fix the cause, then redrive with "dlq redrive --sink ${FAN_OUT_SINK_NAME}".`,
              )
            : new TransientProcessingError(`${reason}; the event will be retried.`),
        );
      }
      return;
    }
    const results = output.Entries ?? [];
    batch.forEach((p, i) => {
      const result = results[i];
      if (result?.EventId && !result.ErrorCode) return p.resolve();
      const code = result?.ErrorCode ?? 'NoResult';
      const message = result?.ErrorMessage ?? (result ? 'no message' : 'the response has no result for this entry');
      if (!result || RETRYABLE_PUT_EVENTS_ERROR_CODES.includes(code)) {
        p.attempts++;
        if (p.attempts <= this.#retries) {
          setTimeout(() => this.#enqueue({ ...p, alone: true }), this.#backoff(p.attempts));
          return;
        }
        this.#failed(p.key, code, false);
        p.reject(
          new TransientProcessingError(
            `EventBridge answered ${code} (${message}) for the event's entry on bus ${this.#bus} ${p.attempts} times; the event will be retried.`,
          ),
        );
        return;
      }
      this.#failed(p.key, code, true);
      p.reject(
        new PermanentProcessingError(
          `EventBridge rejected the event's entry on bus ${this.#bus}: ${code}: ${message}. Fix the cause, then redrive with "dlq redrive --sink ${FAN_OUT_SINK_NAME}".`,
        ),
      );
    });
  }

  /** Exponential backoff with full jitter: a random delay up to min(max, initial × 2^(attempt − 1)). */
  #backoff(attempt: number): number {
    return Math.random() * Math.min(this.#maxDelayMs, this.#initialDelayMs * 2 ** (attempt - 1));
  }

  #failed(key: string, code: string, permanent: boolean): void {
    try {
      this.#onEntryFailed?.({ key, code, permanent });
    } catch {
      // An observer's failure must not change the outcome.
    }
  }
}
