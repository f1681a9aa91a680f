/**
 * PutEvents and PutPartnerEvents request semantics (pure): the request-level limits, the
 * per-entry checks with AWS's error codes and messages, and the event each accepted entry
 * becomes. Messages are those AWS returns (recorded by LocalStack's AWS-validated snapshots).
 */
import { randomUUID } from 'node:crypto';
import { buildEvent, busNameOf, formatEventTime } from './bus-event.js';
import type { EventBridgeEvent } from './bus-event.js';
import { EventBridgeValidationException } from './errors.js';
import {
  PUT_EVENTS_DEFAULT_MAX_REQUEST_BYTES,
  PUT_EVENTS_MAX_ENTRIES,
  putEventsEntrySize,
} from '../contract/put-events.js';

export { PUT_EVENTS_MAX_ENTRIES, putEventsEntrySize } from '../contract/put-events.js';
/** AWS's limit on entries per PutPartnerEvents call. */
export const PUT_PARTNER_EVENTS_MAX_ENTRIES = 20;
/**
 * Default limit on the total entry size of one request, in bytes (256 KiB). AWS raised its
 * limit to 1 MiB in January 2026; 256 KiB stays the default here because the rest of the
 * pipeline (SQS message to a Step Functions input, 256 KiB) cannot carry more. Configurable.
 */
export const DEFAULT_MAX_REQUEST_ENTRIES_BYTES = PUT_EVENTS_DEFAULT_MAX_REQUEST_BYTES;

/** One entry of a PutEvents request (the AWS shape). */
export interface PutEventsRequestEntry {
  /** The event's time: a Date, epoch seconds (as the AWS JSON protocol sends it) or an ISO 8601 string. Default: now. */
  Time?: Date | number | string;
  Source?: string;
  Resources?: string[];
  DetailType?: string;
  /** A JSON object, as a string. */
  Detail?: string;
  /** Bus name or ARN; default `default`. */
  EventBusName?: string;
  TraceHeader?: string;
}

/** One entry of a PutPartnerEvents request: `Source` is the partner event source (and bus) name. */
export type PutPartnerEventsRequestEntry = Omit<PutEventsRequestEntry, 'EventBusName' | 'TraceHeader'>;

/** The result of one entry: `EventId` when accepted, `ErrorCode` and `ErrorMessage` when not. */
export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** The response of PutEvents / PutPartnerEvents. */
export interface PutEventsResponse {
  FailedEntryCount: number;
  /** One per request entry, in the same order. */
  Entries: PutEventsResultEntry[];
}

/** Which API a request came through. */
export type PutOperation = 'PutEvents' | 'PutPartnerEvents';

function javaString(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function describeEntry(entry: PutEventsRequestEntry, operation: PutOperation): string {
  const e = (entry ?? {}) as PutEventsRequestEntry;
  const common = `time=${javaString(e.Time)}, source=${javaString(e.Source)}, resources=${javaString(e.Resources)}, detailType=${javaString(e.DetailType)}, detail=${javaString(e.Detail)}`;
  return operation === 'PutEvents'
    ? `PutEventsRequestEntry(${common}, eventBusName=${javaString(e.EventBusName)}, traceHeader=${javaString(e.TraceHeader)}, kmsKeyIdentifier=null, internalMetadata=null)`
    : `PutPartnerEventsRequestEntry(${common})`;
}

/**
 * The request-level checks, which fail the whole call with `ValidationException` (HTTP 400):
 * the entry list is missing, empty or too long, or the entries together exceed the size limit.
 *
 * @example
 * checkPutEventsRequest(new Array(11).fill({}), 'PutEvents', DEFAULT_MAX_REQUEST_ENTRIES_BYTES);
 * // throws: 1 validation error detected: Value '[PutEventsRequestEntry(…), …]' at 'entries'
 * //         failed to satisfy constraint: Member must have length less than or equal to 10
 */
export function checkPutEventsRequest(
  entries: unknown,
  operation: PutOperation,
  maxEntriesBytes: number,
): asserts entries is PutEventsRequestEntry[] {
  const max = operation === 'PutEvents' ? PUT_EVENTS_MAX_ENTRIES : PUT_PARTNER_EVENTS_MAX_ENTRIES;
  if (entries === undefined || entries === null) {
    throw new EventBridgeValidationException(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(entries)) {
    throw new EventBridgeValidationException(`${operation}: Entries must be a list of entries; got ${typeof entries}.`);
  }
  if (entries.length === 0) {
    throw new EventBridgeValidationException(
      "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (entries.length > max) {
    const value = `[${entries.map((e: PutEventsRequestEntry) => describeEntry(e, operation)).join(', ')}]`;
    throw new EventBridgeValidationException(
      `1 validation error detected: Value '${value}' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
  let total = 0;
  for (const entry of entries as PutEventsRequestEntry[]) total += putEventsEntrySize(entry ?? {});
  if (total > maxEntriesBytes) {
    throw new EventBridgeValidationException('Total size of the entries in the request is over the limit.');
  }
}

/** An entry turned into an event, or the per-entry error AWS returns for it. */
type PreparedEntry =
  | { ok: true; event: EventBridgeEvent; busName: string; eventTimeMs: number }
  | { ok: false; result: Required<Pick<PutEventsResultEntry, 'ErrorCode' | 'ErrorMessage'>> };

/** Where and when an entry is accepted. */
interface EntryContext {
  account: string;
  region: string;
  /** Acceptance time, epoch milliseconds. */
  now: number;
}

function invalid(parameter: string, reason: string): PreparedEntry {
  return {
    ok: false,
    result: { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}` },
  };
}

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value * 1000; // the AWS JSON protocol sends epoch seconds
  if (typeof value === 'string') return /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  return undefined;
}

/**
 * Checks one entry and builds its event: `Source`, `DetailType` and `Detail` are required
 * (`InvalidArgument`), `Detail` must be a JSON object (`MalformedDetail`), an id (UUID) is
 * assigned and `time` defaults to `context.now`. For PutPartnerEvents the bus is the one named
 * like the partner event source (`Source`).
 */
export function prepareEntry(
  entry: PutEventsRequestEntry,
  operation: PutOperation,
  context: EntryContext,
): PreparedEntry {
  if (entry === null || typeof entry !== 'object') return invalid('Source', 'Source is a required argument.');
  const { Source, DetailType, Detail, Resources } = entry;
  if (Source === undefined || Source === null || Source === '')
    return invalid('Source', 'Source is a required argument.');
  if (typeof Source !== 'string') return invalid('Source', 'Source must be a string.');
  if (DetailType === undefined || DetailType === null || DetailType === '')
    return invalid('DetailType', 'DetailType is a required argument.');
  if (typeof DetailType !== 'string') return invalid('DetailType', 'DetailType must be a string.');
  if (Detail === undefined || Detail === null || Detail === '')
    return invalid('Detail', 'Detail is a required argument.');
  if (
    Resources !== undefined &&
    Resources !== null &&
    (!Array.isArray(Resources) || Resources.some((r) => typeof r !== 'string'))
  ) {
    return invalid('Resources', 'Resources must be a list of strings.');
  }
  let detail: unknown;
  try {
    detail = typeof Detail === 'string' ? JSON.parse(Detail) : undefined;
  } catch {
    detail = undefined;
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    return { ok: false, result: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  }
  let eventTimeMs = context.now;
  if (entry.Time !== undefined && entry.Time !== null) {
    const parsed = timeOf(entry.Time);
    if (parsed === undefined || !Number.isFinite(parsed))
      return invalid('Time', 'Time must be a date, epoch seconds or an ISO 8601 string.');
    eventTimeMs = parsed;
  }
  const busName = operation === 'PutPartnerEvents' ? Source : busNameOf(entry.EventBusName || 'default');
  const event = buildEvent({
    id: randomUUID(),
    detailType: DetailType,
    source: Source,
    account: context.account,
    time: formatEventTime(eventTimeMs),
    region: context.region,
    resources: Resources ?? [],
    detail: detail as Record<string, unknown>,
  });
  return { ok: true, event, busName, eventTimeMs: Math.floor(eventTimeMs / 1000) * 1000 };
}
