/** How error messages show a value they did not expect, and an error's message. One wording for the whole project. */

/**
 * `string "abc"`, `number 42`, `array (3 items)`, `object`, `null`, `missing` — short, never the
 * whole value (a long string is cut at 60 characters).
 *
 * @example
 * throw new RangeError(`limit must be a whole number, found ${describeValue(limit)}.`);
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array (${value.length} items)`;
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'object';
    default:
      return typeof value;
  }
}

/** The message of a thrown value: `error.message` for an `Error`, the value as text otherwise. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
