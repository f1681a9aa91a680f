/** Equality that also checks the order of object keys (JSON text and stored keys depend on it). */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';

/** The value's keys in order, recursively (a value's own enumerable keys, as JSON.stringify sees them). */
function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items: unknown[] = []; // not value.map: an array may carry an own "constructor"
    for (let i = 0; i < value.length; i++) items.push(keyOrder(value[i]));
    return items;
  }
  if (typeof value === 'object' && value !== null)
    return Object.keys(value).map((key) => [key, keyOrder((value as Record<string, unknown>)[key])]);
  return typeof value;
}

/**
 * `actual` is deep-strict-equal to `expected` (Node's `isDeepStrictEqual`: prototypes and
 * undefined members included; robust to an own "constructor" member), with the same key order.
 */
export function expectSameValue(actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) {
    expect(actual).toStrictEqual(expected); // shows the difference
    expect.fail('values differ (isDeepStrictEqual)');
  }
  expect(keyOrder(actual)).toStrictEqual(keyOrder(expected));
}
