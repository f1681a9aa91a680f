/**
 * Sends NDJSON events to an EventBridge PutEvents endpoint (the local pipeline's bus, or any
 * endpoint speaking the EventBridge API) with the AWS SDK: up to 10 entries and 256 KiB per call,
 * a few calls in flight, paced to a rate when asked, and a summary of what the endpoint accepted
 * and rejected, entry by entry.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DEFAULT_MAX_REQUEST_ENTRIES_BYTES, PUT_EVENTS_MAX_ENTRIES } from '../eventbridge/put-events.js';
import { isLoopback } from '../shared/index.js';
import { SendError } from './errors.js';
import { toPutEventsEntry } from './entry.js';
import { Pacer, systemClock } from './pacer.js';
import type { Clock } from './pacer.js';

/** Options of {@link sendEvents}. */
export interface SendOptions {
  /** PutEvents endpoint URL, e.g. `http://127.0.0.1:4010`. */
  endpoint: string;
  /** Events per second; 0 (default): as fast as the endpoint answers. */
  rate?: number;
  /** AWS region for request signing. Default `us-east-1`. */
  region?: string;
  /** `EventBusName` of every entry. Default: each event's partner event source name (the partner bus). */
  eventBusName?: string;
  /** Largest total entry size per call (the local bus's default, and the pipeline's limit per event: Step Functions payloads; EventBridge itself accepts 1 MB per call since January 2026); a larger entry goes alone. Default 256 KiB. */
  maxRequestBytes?: number;
  /** PutEvents calls in flight at once. Default 4. */
  concurrency?: number;
  /** Attempts per entry for retryable per-entry errors (ThrottlingException, InternalFailure). Default 3. */
  maxAttempts?: number;
  /**
   * How long a call the endpoint keeps throttling as a whole (`ThrottlingException`, as the local
   * pipeline answers under backpressure, after the SDK's own retries) is sent again, with
   * exponential backoff (0.2 s doubling to 5 s, jittered), before its entries count as failed, ms.
   * Default 600,000 (10 minutes).
   */
  throttledPatienceMs?: number;
  /**
   * Credentials. Default: dummy credentials for a loopback endpoint (127.0.0.0/8, ::1,
   * localhost), otherwise the SDK's default provider chain.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** A client to use instead of creating one (its endpoint, region and credentials apply). */
  client?: EventBridgeClient;
  /** Called for every entry the endpoint did not accept (all of them, not only the listed ones). */
  onFailure?: (failure: SendFailure) => void;
  /** Called after each PutEvents call with the running totals. */
  onProgress?: (progress: { lines: number; accepted: number; failed: number }) => void;
  /** Clock for pacing and retry back-off (tests). */
  clock?: Clock;
}

/** One entry the endpoint did not accept. */
export interface SendFailure {
  /** 1-based line number in the input. */
  line: number;
  /** EventBridge error code (`MalformedDetail`, `InvalidArgument`, `ValidationException`, …). */
  errorCode: string;
  errorMessage: string;
  /** What the conversion noticed about the line (e.g. "no "detail""), when anything. */
  note?: string;
}

/** What {@link sendEvents} did. */
export interface SendSummary {
  endpoint: string;
  /** Non-blank lines read. */
  lines: number;
  /** Entries the endpoint accepted (it returned an EventId). */
  accepted: number;
  /** Entries the endpoint rejected, or that failed after every attempt. */
  failed: number;
  /** PutEvents calls made (retries included). */
  requests: number;
  /** Entries sent again after a retryable error. */
  retries: number;
  /** Calls the endpoint throttled as a whole (`ThrottlingException`) and that were sent again after a backoff. */
  throttled: number;
  /** Failures by error code. */
  failuresByCode: Record<string, number>;
  /** The first {@link MAX_LISTED_FAILURES} failures, by line number. */
  failures: SendFailure[];
  seconds: number;
}

/** How many failures {@link SendSummary.failures} lists. */
const MAX_LISTED_FAILURES = 100;

const RETRYABLE = new Set(['ThrottlingException', 'InternalFailure', 'InternalException', 'ServiceUnavailable']);

interface Pending {
  line: number;
  entry: PutEventsRequestEntry;
  size: number;
  note?: string;
  attempts: number;
}

/**
 * Puts every line on the bus through the PutEvents API.
 *
 * @throws SendError when the endpoint cannot be reached (e.g. connection refused) before any
 *   entry was accepted, or on three consecutive unreachable calls.
 *
 * @example
 * const summary = await sendEvents(generateEvents({ conversations: 100 }), { endpoint: 'http://127.0.0.1:4010' });
 * console.log(`${summary.accepted} accepted, ${summary.failed} rejected`);
 */
export async function sendEvents(
  lines: AsyncIterable<string> | Iterable<string>,
  options: SendOptions,
): Promise<SendSummary> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const client = options.client ?? createEventBridgeClient(options);
  const ownsClient = options.client === undefined;
  const pacer = new Pacer(options.rate ?? 0, clock);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_ENTRIES_BYTES;
  const throttledPatienceMs = Math.max(0, options.throttledPatienceMs ?? 600_000);
  const summary: SendSummary = {
    endpoint: options.endpoint,
    lines: 0,
    accepted: 0,
    failed: 0,
    requests: 0,
    retries: 0,
    throttled: 0,
    failuresByCode: {},
    failures: [],
    seconds: 0,
  };
  let unreachable = 0;
  let fatal: SendError | undefined;
  const inFlight = new Set<Promise<void>>();
  let batch: Pending[] = [];
  let batchBytes = 0;
  let fallbackSource: string | undefined;

  const fail = (item: Pending, errorCode: string, errorMessage: string) => {
    summary.failed += 1;
    summary.failuresByCode[errorCode] = (summary.failuresByCode[errorCode] ?? 0) + 1;
    const failure: SendFailure = {
      line: item.line,
      errorCode,
      errorMessage,
      ...(item.note ? { note: item.note } : {}),
    };
    options.onFailure?.(failure);
    // Keep the failures with the lowest line numbers (calls complete out of order).
    const list = summary.failures;
    if (list.length < MAX_LISTED_FAILURES) {
      list.push(failure);
      if (list.length === MAX_LISTED_FAILURES) list.sort((a, b) => a.line - b.line);
    } else if (item.line < list[list.length - 1]!.line) {
      list[list.length - 1] = failure;
      list.sort((a, b) => a.line - b.line);
    }
  };

  const put = async (items: Pending[]): Promise<void> => {
    let pending = items;
    // Backpressure: while the endpoint throttles the call as a whole, back off and send it again.
    let throttledSince: number | undefined;
    let throttledTimes = 0;
    while (pending.length > 0) {
      summary.requests += 1;
      pending.forEach((p) => (p.attempts += 1));
      let retry: Pending[] = [];
      try {
        const output = await client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
        unreachable = 0;
        throttledSince = undefined;
        throttledTimes = 0;
        const results = output.Entries ?? [];
        pending.forEach((item, i) => {
          const result = results[i];
          if (result?.EventId) summary.accepted += 1;
          else if (result?.ErrorCode && RETRYABLE.has(result.ErrorCode) && item.attempts < maxAttempts)
            retry.push(item);
          else
            fail(
              item,
              result?.ErrorCode ?? 'NoResult',
              result?.ErrorMessage ?? 'the endpoint returned no result for this entry',
            );
        });
      } catch (error) {
        const e = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
        if (e.$metadata?.httpStatusCode === undefined) {
          // No HTTP answer at all (connection refused, DNS, timeout) after the SDK's own retries.
          unreachable += 1;
          if (summary.accepted === 0 || unreachable >= 3) {
            fatal ??= new SendError(
              `Cannot reach the PutEvents endpoint ${options.endpoint}: ${e.message || e.code || e.name}. Check the URL and that the local pipeline (or the bus) is running.`,
              options.endpoint,
              error,
            );
          }
        }
        retry = [];
        if (e.name === 'ThrottlingException' && clock.now() - (throttledSince ??= clock.now()) < throttledPatienceMs) {
          summary.throttled += 1;
          throttledTimes += 1;
          pending.forEach((p) => (p.attempts -= 1));
          await clock.sleep(Math.min(5000, 200 * 2 ** (throttledTimes - 1)) * (0.5 + Math.random() / 2));
          continue;
        }
        for (const item of pending) fail(item, e.name || 'Error', e.message);
      }
      options.onProgress?.({ lines: summary.lines, accepted: summary.accepted, failed: summary.failed });
      if (retry.length > 0) {
        summary.retries += retry.length;
        await clock.sleep(Math.min(2000, 100 * 2 ** (retry[0]!.attempts - 1)) * (0.5 + Math.random() / 2));
      }
      pending = retry;
    }
  };

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    batchBytes = 0;
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const call = put(items).finally(() => inFlight.delete(call));
    inFlight.add(call);
  };

  try {
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber += 1;
      if (fatal) break;
      if (line.trim() === '') continue;
      summary.lines += 1;
      const { entry, size, note } = toPutEventsEntry(line, { eventBusName: options.eventBusName, fallbackSource });
      if (entry.Source && !note) fallbackSource = entry.Source;
      const wait = pacer.next();
      if (wait >= 1) {
        await flush();
        await clock.sleep(wait);
      }
      const item: Pending = { line: lineNumber, entry, size, attempts: 0, ...(note ? { note } : {}) };
      if (batch.length === PUT_EVENTS_MAX_ENTRIES || batchBytes + size > maxRequestBytes) await flush();
      batch.push(item);
      batchBytes += size;
      // Over the limit on its own: sent alone, so that a rejection by the endpoint concerns it only.
      if (size > maxRequestBytes) await flush();
    }
    if (!fatal) await flush();
    await Promise.all(inFlight);
  } finally {
    if (ownsClient) client.destroy();
  }
  if (fatal) throw fatal;
  summary.failures.sort((a, b) => a.line - b.line);
  summary.seconds = (clock.now() - started) / 1000;
  return summary;
}

/**
 * An EventBridge client for `endpoint`: dummy credentials when it is a loopback address (a local
 * bus needs none), the default credential chain otherwise.
 */
function createEventBridgeClient(options: Pick<SendOptions, 'endpoint' | 'region' | 'credentials'>): EventBridgeClient {
  let url: URL;
  try {
    url = new URL(options.endpoint);
  } catch {
    throw new SendError(
      `Invalid endpoint URL "${options.endpoint}"; expected e.g. http://127.0.0.1:4010`,
      options.endpoint,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SendError(`Invalid endpoint URL "${options.endpoint}": use http:// or https://`, options.endpoint);
  }
  const credentials =
    options.credentials ?? (isLoopback(url.hostname) ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined);
  return new EventBridgeClient({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    ...(credentials ? { credentials } : {}),
  });
}
