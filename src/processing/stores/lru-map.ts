/**
 * A map that keeps at most `capacity` entries and forgets the least recently used one first.
 *
 * The entries are also in a list, most recently used last: a use moves the entry within the list
 * and leaves the `Map` as it is. Only new and departing entries change the `Map`, whose table V8
 * rebuilds every few hundred such changes. (The simpler "use = delete + set" made every hit of
 * the conversation cache two changes, and each rebuilt table — ~100 KB for 2,000 entries — one
 * more object for the old generation.) An entry that leaves is emptied: until the next full
 * collection a replaced table still points at the entries it held, and an emptied entry keeps
 * nothing else alive (see `docs/processing.md`, the parsed-event hand-off).
 */
export class LruMap<K, V> {
  readonly #map = new Map<K, Node<K, V>>();
  /** The list's sentinel: `head.next` is the least recently used entry, `head.prev` the most. */
  readonly #head: Node<K, V>;
  #evictions = 0;

  /**
   * @param capacity most entries kept; 0 keeps none.
   * @param onEvict called with each entry dropped for want of room.
   */
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (value: V, key: K) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError(`LRU capacity must be a whole number ≥ 0, got ${String(capacity)}.`);
    const head = { key: undefined, value: undefined } as unknown as Node<K, V>;
    head.prev = head;
    head.next = head;
    this.#head = head;
  }

  /** The value, marking it most recently used. */
  get(key: K): V | undefined {
    const node = this.#map.get(key);
    if (node === undefined) return undefined;
    this.#moveToEnd(node);
    return node.value;
  }

  /** Stores `value` as the most recently used entry, evicting the least recently used beyond capacity. */
  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    const known = this.#map.get(key);
    if (known !== undefined) {
      known.value = value;
      this.#moveToEnd(known);
      return;
    }
    const head = this.#head;
    const node: Node<K, V> = { key, value, prev: head.prev, next: head };
    head.prev.next = node;
    head.prev = node;
    this.#map.set(key, node);
    if (this.#map.size > this.capacity) {
      const oldest = head.next;
      const evictedKey = oldest.key;
      const evicted = oldest.value;
      this.#remove(oldest);
      this.#evictions++;
      this.onEvict?.(evicted, evictedKey);
    }
  }

  /** Removes the entry and returns its value (without the bookkeeping of a use). */
  take(key: K): V | undefined {
    const node = this.#map.get(key);
    if (node === undefined) return undefined;
    const value = node.value;
    this.#remove(node);
    return value;
  }

  delete(key: K): void {
    const node = this.#map.get(key);
    if (node !== undefined) this.#remove(node);
  }

  clear(): void {
    for (const node of this.#map.values()) empty(node);
    this.#map.clear();
    this.#head.prev = this.#head;
    this.#head.next = this.#head;
  }

  get size(): number {
    return this.#map.size;
  }

  /** Entries evicted for want of room since creation. */
  get evictions(): number {
    return this.#evictions;
  }

  #moveToEnd(node: Node<K, V>): void {
    const head = this.#head;
    if (head.prev === node) return;
    node.prev.next = node.next;
    node.next.prev = node.prev;
    node.prev = head.prev;
    node.next = head;
    head.prev.next = node;
    head.prev = node;
  }

  #remove(node: Node<K, V>): void {
    node.prev.next = node.next;
    node.next.prev = node.prev;
    this.#map.delete(node.key);
    empty(node);
  }
}

/** An entry, in the map and in the use-ordered list. */
interface Node<K, V> {
  key: K;
  value: V;
  prev: Node<K, V>;
  next: Node<K, V>;
}

/** Empties a node that left: a replaced `Map` table may still point at it until the next full collection. */
function empty<K, V>(node: Node<K, V>): void {
  node.key = undefined as K;
  node.value = undefined as V;
  node.prev = node;
  node.next = node;
}
