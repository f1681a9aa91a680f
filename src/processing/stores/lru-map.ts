/**
 * A map that keeps at most `capacity` entries and forgets the least recently used one first.
 * A `Map` remembers insertion order, so "use" is delete + set (moving the entry to the end)
 * and the oldest entry is the first key.
 */
export class LruMap<K, V> {
  readonly #map = new Map<K, V>();
  #evictions = 0;

  /**
   * @param capacity most entries kept; 0 keeps none.
   * @param onEvict called with each entry dropped for want of room.
   */
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (value: V, key: K) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`LRU capacity must be a whole number ≥ 0, got ${String(capacity)}.`);
  }

  /** The value, marking it most recently used. */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  /** Stores `value` as the most recently used entry, evicting the least recently used beyond capacity. */
  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) {
      const oldest = this.#map.keys().next().value as K;
      const evicted = this.#map.get(oldest) as V;
      this.#map.delete(oldest);
      this.#evictions++;
      this.onEvict?.(evicted, oldest);
    }
  }

  /** Removes the entry and returns its value (without the bookkeeping of a use). */
  take(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) this.#map.delete(key);
    return value;
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }

  /** Entries evicted for want of room since creation. */
  get evictions(): number {
    return this.#evictions;
  }
}
