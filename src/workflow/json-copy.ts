/**
 * `jsonCopy(value)`: exactly what `JSON.parse(JSON.stringify(value))` returns, without the text
 * in between — the Lambda emulation copies every payload this way on the way in and out.
 *
 * Plain JSON data (primitives, arrays, objects whose prototype is `Object.prototype` or `null`)
 * is copied directly, much faster than through text (docs/processing.md gives the figure), with
 * JSON's rules: `undefined`, functions and symbols are left out of objects and become
 * `null` in arrays (and at the top, where the round trip gives `undefined`), non-finite numbers
 * become `null`, `-0` becomes `0`, array holes become `null`, only own enumerable string keys
 * are copied. Anything else — `toJSON` (dates), class instances, boxed primitives, `BigInt`,
 * cycles, a `"__proto__"` key, nesting deeper than 256 — is copied through the text itself, so
 * it too gives what the round trip gives (including its errors). `test/workflow/json-copy.test.ts`
 * checks the two against each other on generated values.
 */

/** Thrown inside the direct copy when it meets a value it leaves to `JSON`. */
const USE_JSON = Symbol('use JSON');
const MAX_DEPTH = 256;

/**
 * `JSON.parse(JSON.stringify(value))`, made directly for plain JSON data.
 *
 * @example
 * jsonCopy({ a: 1, b: undefined, c: [NaN, () => 1], d: new Date(0) }) // → { a: 1, c: [null, null], d: '1970-01-01T00:00:00.000Z' }
 */
export function jsonCopy(value: unknown): unknown {
  try {
    return copyTop(value);
  } catch (error) {
    if (error !== USE_JSON) throw error;
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  }
}

function copyTop(value: unknown): unknown {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  return copy(value, 0);
}

function copy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'object':
      break;
    default:
      // bigint: JSON.stringify throws; undefined, functions and symbols are handled by the callers.
      throw USE_JSON;
  }
  if (value === null) return null;
  if (depth >= MAX_DEPTH) throw USE_JSON;
  if (Array.isArray(value)) {
    if (
      Object.getPrototypeOf(value) !== Array.prototype ||
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    )
      throw USE_JSON;
    const n = value.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const item: unknown = value[i];
      out[i] =
        item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : copy(item, depth + 1);
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw USE_JSON;
  const source = value as Record<string, unknown>;
  if (typeof source.toJSON === 'function') throw USE_JSON;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = source[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    if (key === '__proto__') throw USE_JSON;
    out[key] = copy(item, depth + 1);
  }
  return out;
}
