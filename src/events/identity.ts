/**
 * Event identity: the idempotency key of one Genesys event.
 *
 * Genesys delivers at least once and re-sends with a new envelope `id` and `time`, so neither
 * identifies an event. Nor does the conversation id: one conversation produces dozens of
 * events. The key is SHA-256 over the concrete topic name and the canonical JSON of the event
 * body — equal for a re-sent event, different for every distinct event of a conversation.
 */
import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted (recursively) and no insignificant whitespace, so that equal
 * values always serialize to equal text. Numbers and strings use `JSON.stringify`'s forms (as
 * RFC 8785 does); `undefined` members are omitted as `JSON.stringify` omits them.
 *
 * The text is part of every stored idempotency key, so it never changes: for any value it is
 * exactly what the first version gave (`JSON.stringify` for primitives; arrays `[…]` with
 * `undefined` items as `null` and holes as nothing; objects `{…}` over `Object.keys` sorted by
 * UTF-16 code units, `toJSON` ignored). `test/events/identity.test.ts` checks it against that
 * first version on generated values.
 *
 * @example
 * canonicalJson({ b: [1, 'x'], a: { d: null, c: true } }) // → '{"a":{"c":true,"d":null},"b":[1,"x"]}'
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null'; // what JSON.stringify gives
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    default: {
      // undefined, functions and symbols → "null"; a bigint throws, as JSON.stringify does.
      const text = JSON.stringify(value);
      return text === undefined ? 'null' : text;
    }
  }
}

function canonicalArray(array: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    if (i > 0) out += ',';
    const item = array[i];
    // `undefined` → null; a hole → nothing (as the original `array.map(…).join(',')` gave).
    out += item === undefined ? (i in array ? 'null' : '') : canonicalJson(item);
  }
  return `${out}]`;
}

function canonicalObject(record: Record<string, unknown>): string {
  const keys = sortKeys(Object.keys(record));
  let out = '{';
  let separator = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const member = record[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    out += separator + memberName(key) + canonicalJson(member);
    separator = ',';
  }
  return `${out}}`;
}

/** Sorts in place by UTF-16 code units (as `Array.prototype.sort` does), fastest for the few keys of an event. */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** A character `JSON.stringify` escapes: `"`, `\`, a control character, or a surrogate (lone ones are escaped). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, without its cost for the common text that needs no escape. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** `"name":` for object keys, cached: events repeat the same few dozen field names. */
const memberNames = new Map<string, string>();
const MEMBER_NAMES_CACHED = 2_048;

function memberName(key: string): string {
  let name = memberNames.get(key);
  if (name === undefined) {
    name = `${quote(key)}:`;
    if (memberNames.size < MEMBER_NAMES_CACHED && key.length <= 64) memberNames.set(key, name);
  }
  return name;
}

/**
 * The idempotency key of an event: lowercase hex SHA-256 of `topicName`, a newline, and the
 * canonical JSON of `eventBody` (all UTF-8).
 *
 * @example
 * eventKey('v2.detail.events.conversation.c1.acd.end', { conversationId: 'c1', eventTime: 1 })
 * // same result for { eventTime: 1, conversationId: 'c1' }
 */
export function eventKey(topicName: string, eventBody: unknown): string {
  return eventKeyOfCanonicalBody(topicName, canonicalJson(eventBody));
}

/**
 * {@link eventKey} when the canonical JSON of the body is already at hand:
 * `eventKey(t, body) === eventKeyOfCanonicalBody(t, canonicalJson(body))`.
 */
export function eventKeyOfCanonicalBody(topicName: string, canonicalBody: string): string {
  // One string, hashed at once: the same bytes as hashing the three parts in turn, as the first
  // version did (the newline between them and the ASCII start of the JSON keep a surrogate from
  // pairing across them).
  return hash('sha256', `${topicName}\n${canonicalBody}`, 'hex');
}
