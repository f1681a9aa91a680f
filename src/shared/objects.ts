/** Small helpers on plain objects. */

/**
 * A copy of `value` without its `undefined` members, so that spreading it over defaults keeps
 * the defaults (`{ ...defaults, ...stripUndefined(options) }`).
 */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
