/**
 * Parsed events handed from the validator to the processor of the same process.
 *
 * Both steps parse every event with `parseGenesysEvent` (schema validation and the SHA-256 event
 * key): on AWS they are two Lambda functions, and the processor must not trust its input. When
 * both run in one process (the local runtime), the validator's result can be reused: the
 * processor takes it back by message id, and uses it only if the event it was given is equal,
 * value for value, to the one the validator parsed — `parseGenesysEvent` is a pure function of
 * that value, so the result is the one a second parse would give. Anything else (no entry, a
 * different event, a retry after the entry was taken) is parsed again.
 */
import type { GenesysEvent } from '../events/index.js';
import { LruMap } from './stores/lru-map.js';

/**
 * Default of {@link ParsedEventHandoff}'s capacity: events validated and not yet processed (a few
 * batches' worth; an entry holds the event twice, a few KB). Entries of events never processed
 * (an execution that failed as a whole) are dropped oldest first.
 */
const DEFAULT_PARSED_EVENT_HANDOFF_CAPACITY = 2_000;

/**
 * A bounded hand-off of parsed events from the validator to the processor, by message id.
 *
 * @example
 * const handoff = new ParsedEventHandoff();
 * const validator = createValidator({ deadLetters, parsedEvents: handoff });
 * const processor = createProcessor({ persistenceStore, sinks, deadLetters, parsedEvents: handoff });
 */
export class ParsedEventHandoff {
  /** Entries leave emptied (`LruMap` empties its own), so a replaced `Map` table keeps no event alive. */
  readonly #entries: LruMap<string, { value: unknown; event: GenesysEvent }>;
  #reused = 0;
  #parsedAgain = 0;

  /** @param capacity most events kept (the least recently validated are dropped first). */
  constructor(capacity = DEFAULT_PARSED_EVENT_HANDOFF_CAPACITY) {
    this.#entries = new LruMap(capacity);
  }

  /** Called by the validator: `value` (the JSON value it passes on) parsed as `event`. */
  put(messageId: string, value: unknown, event: GenesysEvent): void {
    this.#entries.set(messageId, { value, event });
  }

  /**
   * Called by the processor: the parsed event for `messageId` if `value` equals (as JSON) the
   * value the validator parsed, else `undefined`. An entry is used at most once.
   */
  take(messageId: string, value: unknown): GenesysEvent | undefined {
    const entry = this.#entries.take(messageId);
    if (entry === undefined) return undefined;
    if (jsonEqual(entry.value, value)) {
      this.#reused++;
      return entry.event;
    }
    this.#parsedAgain++;
    return undefined;
  }

  /** Entries waiting, and how many `take` calls reused an entry or found a different event. */
  stats(): { size: number; reused: number; mismatched: number } {
    return { size: this.#entries.size, reused: this.#reused, mismatched: this.#parsedAgain };
  }
}

/**
 * Equality of two JSON values (object member order ignored): the same own enumerable members,
 * recursively. Called once per event, so it walks the values directly instead of serializing them.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  // `for…in` lists inherited enumerable members too: with none on Object.prototype (checked
  // here, once per call), an object whose prototype is Object.prototype has only its own.
  for (const _ in Object.prototype) return equal(a, b, false);
  return equal(a, b, true);
}

function equal(a: unknown, b: unknown, cleanPrototype: boolean): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x: unknown = a[i];
      const y: unknown = b[i];
      if (x !== y && !equal(x, y, cleanPrototype)) return false;
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const ownOnly =
    cleanPrototype && Object.getPrototypeOf(x) === Object.prototype && Object.getPrototypeOf(y) === Object.prototype;
  let count = 0;
  for (const key in x) {
    if (!ownOnly && !Object.hasOwn(x, key)) continue;
    if (!Object.hasOwn(y, key)) return false;
    const u = x[key];
    const v = y[key];
    if (u !== v && !equal(u, v, cleanPrototype)) return false;
    count++;
  }
  if (ownOnly) for (const _ in y) count--;
  else for (const key in y) if (Object.hasOwn(y, key)) count--;
  return count === 0;
}
