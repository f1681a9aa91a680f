/** JSON values: what crosses every boundary of the pipeline (state machine input and output, Lambda payloads, the worker thread). */

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };
