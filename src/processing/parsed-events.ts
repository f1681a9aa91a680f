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
export const DEFAULT_PARSED_EVENT_HANDOFF_CAPACITY = 2_000;

/**
 * A bounded hand-off of parsed events from the validator to the processor, by message id.
 *
 * @example
 * const handoff = new ParsedEventHandoff();
 * const validator = createValidator({ deadLetters, parsedEvents: handoff });
 * const processor = createProcessor({ persistenceStore, sinks, deadLetters, parsedEvents: handoff });
 */
export class ParsedEventHandoff {
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
    const entry = this.#entries.get(messageId);
    if (entry === undefined) return undefined;
    this.#entries.delete(messageId);
    if (entry.value === value || jsonEqual(entry.value, value)) {
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

/** Equality of two JSON values (object member order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key)) continue;
    if (!Object.hasOwn(y, key) || !jsonEqual(x[key], y[key])) return false;
    count++;
  }
  for (const key in y) if (Object.hasOwn(y, key)) count--;
  return count === 0;
}
