/**
 * EventBridge PutEvents limits and the entry size as AWS counts it: the local bus checks requests
 * with them, the simulator packs its requests with them, and the fan-out sink batches its
 * entries with them.
 */

/** AWS's limit on entries per PutEvents call (<https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html>). */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/**
 * 256 KiB: the total entry size of one PutEvents request the pipeline keeps to by default. AWS
 * raised its own limit to 1 MiB in January 2026; 256 KiB is what every bus accepted before, and
 * what the rest of the pipeline (an SQS message into a Step Functions input) carries.
 */
export const PUT_EVENTS_DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;

/** The fields of a PutEvents entry that count toward its size. */
export interface SizedPutEventsEntry {
  Time?: unknown;
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Resources?: unknown;
}

/**
 * The size AWS counts for an entry ("Calculating PutEvents event entry size",
 * <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html>): 14 bytes for
 * a `Time`, plus the UTF-8 bytes of `Source`, `DetailType`, `Detail` and each of `Resources`.
 *
 * @example
 * putEventsEntrySize({ Source: 'a', DetailType: 'b', Detail: '{}' }) // 4
 */
export function putEventsEntrySize(entry: SizedPutEventsEntry): number {
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  if (typeof entry.Source === 'string') size += Buffer.byteLength(entry.Source);
  if (typeof entry.DetailType === 'string') size += Buffer.byteLength(entry.DetailType);
  if (typeof entry.Detail === 'string') size += Buffer.byteLength(entry.Detail);
  if (Array.isArray(entry.Resources)) {
    for (const resource of entry.Resources as unknown[])
      if (typeof resource === 'string') size += Buffer.byteLength(resource);
  }
  return size;
}
