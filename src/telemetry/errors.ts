/** Typed errors of the telemetry. Each names the class and method or option at fault. */

/** Base class: anything the telemetry throws on purpose. */
export class TelemetryError extends Error {
  override readonly name: string = 'TelemetryError';
}

/**
 * A call or an option the telemetry refuses: a count that is not a non-negative integer, more
 * events finished than started, a quantile outside 0–1, a window that is not a multiple of its
 * buckets. A programming error in the caller; the message says which call was wrong.
 */
export class TelemetryArgumentError extends TelemetryError {
  override readonly name = 'TelemetryArgumentError';
}
