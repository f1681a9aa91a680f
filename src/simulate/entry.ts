/**
 * One EventBridge event (an NDJSON line) → one PutEvents request entry, the way a partner event
 * source puts it on the bus: `Source`, `DetailType`, `Detail` (the `detail` as JSON text),
 * `Time`, `Resources`, `EventBusName`.
 *
 * Lines that are not a well-formed event are still converted as far as the API allows (the
 * endpoint, not this function, decides what to reject): a missing `detail` gives an entry
 * without `Detail`, a line that is not JSON is sent as the `Detail` text itself.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PARTNER_SOURCE_PATTERN } from '../events/index.js';
import { putEventsEntrySize } from '../eventbridge/put-events.js';

/** An entry and what the conversion had to work around. */
export interface EntryConversion {
  entry: PutEventsRequestEntry;
  /** Entry size as EventBridge counts it (see {@link putEventsEntrySize}). */
  size: number;
  /** Set when the line is not a well-formed event; says what was sent instead. */
  note?: string;
}

/**
 * Converts one line to a PutEvents entry.
 *
 * @param eventBusName the bus to put on; default: the event's own `source` when it is a Genesys
 *   partner event source (the partner bus has the source's name), otherwise the default bus.
 *
 * @example
 * toPutEventsEntry(line, { eventBusName: 'aws.partner/genesys.com/cloud/<org>/<suffix>' }).entry
 * // { Source, DetailType, Detail, Time, Resources, EventBusName }
 */
export function toPutEventsEntry(
  line: string,
  options: { eventBusName?: string; fallbackSource?: string } = {},
): EntryConversion {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    const entry: PutEventsRequestEntry = {
      Source: matchString(line, 'source') ?? options.fallbackSource ?? options.eventBusName,
      DetailType: matchString(line, 'detail-type') ?? 'unparseable line',
      Detail: line,
      EventBusName: options.eventBusName,
    };
    return { entry, size: putEventsEntrySize(entry), note: 'the line is not valid JSON; sent its text as Detail' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const entry: PutEventsRequestEntry = {
      Source: options.fallbackSource ?? options.eventBusName,
      DetailType: 'unparseable line',
      Detail: line,
      EventBusName: options.eventBusName,
    };
    return { entry, size: putEventsEntrySize(entry), note: 'the line is not a JSON object; sent its text as Detail' };
  }
  const event = value as Record<string, unknown>;
  const notes: string[] = [];
  const source = typeof event.source === 'string' ? event.source : undefined;
  const detailType = typeof event['detail-type'] === 'string' ? event['detail-type'] : undefined;
  if (source === undefined) notes.push('no string "source"');
  if (detailType === undefined) notes.push('no string "detail-type"');
  if (event.detail === undefined) notes.push('no "detail"');
  else if (typeof event.detail !== 'object' || event.detail === null || Array.isArray(event.detail))
    notes.push('"detail" is not an object');
  const time = typeof event.time === 'string' ? new Date(event.time) : undefined;
  const resources =
    Array.isArray(event.resources) && event.resources.every((r) => typeof r === 'string')
      ? (event.resources as string[])
      : undefined;
  const entry: PutEventsRequestEntry = {
    Source: source,
    DetailType: detailType,
    Detail: event.detail === undefined ? undefined : JSON.stringify(event.detail),
    Time: time && !Number.isNaN(time.getTime()) ? time : undefined,
    Resources: resources,
    EventBusName:
      options.eventBusName ?? (source !== undefined && PARTNER_SOURCE_PATTERN.test(source) ? source : undefined),
  };
  return { entry, size: putEventsEntrySize(entry), ...(notes.length ? { note: notes.join(', ') } : {}) };
}

/** The string value of `"name": "…"` in a (possibly truncated) JSON text. */
function matchString(text: string, name: string): string | undefined {
  const match = new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text);
  if (!match) return undefined;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return undefined;
  }
}
