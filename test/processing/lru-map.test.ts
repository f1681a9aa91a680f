/** The bounded map behind the conversation cache and the parsed-event hand-off. */
import { describe, expect, it } from 'vitest';
import { LruMap } from '../../src/processing/stores/lru-map.js';

describe('LruMap', () => {
  it('drops the least recently used entry beyond its capacity, and tells onEvict', () => {
    const evicted: Array<[string, number]> = [];
    const map = new LruMap<string, number>(2, (value, key) => evicted.push([key, value]));
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // a is now the most recently used
    map.set('c', 3);
    expect(evicted).toEqual([['b', 2]]);
    expect(map.get('b')).toBeUndefined();
    expect(map.evictions).toBe(1);
    expect(map.size).toBe(2);
  });

  it('take removes without counting as an eviction; capacity 0 keeps nothing', () => {
    const evicted: string[] = [];
    const map = new LruMap<string, number>(3, (_value, key) => evicted.push(key));
    map.set('a', 1);
    expect(map.take('a')).toBe(1);
    expect(map.take('a')).toBeUndefined();
    expect(evicted).toEqual([]);
    const none = new LruMap<string, number>(0);
    none.set('a', 1);
    expect(none.size).toBe(0);
  });

  it('evicts in exactly least-recently-used order over any mix of operations (against a plain reference model)', () => {
    // The reference: an array of keys, most recently used last.
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (const capacity of [1, 2, 5, 17]) {
      const evicted: Array<[number, string]> = [];
      const map = new LruMap<number, string>(capacity, (value, key) => evicted.push([key, value]));
      const order: number[] = [];
      const values = new Map<number, string>();
      const expectedEvicted: Array<[number, string]> = [];
      const use = (key: number): void => {
        order.splice(order.indexOf(key), 1);
        order.push(key);
      };
      for (let step = 0; step < 5_000; step++) {
        const key = random(capacity * 3);
        const op = random(5);
        if (op === 0 || op === 1) {
          const value = `v${step}`;
          map.set(key, value);
          if (values.has(key)) use(key);
          else order.push(key);
          values.set(key, value);
          if (order.length > capacity) {
            const oldest = order.shift()!;
            expectedEvicted.push([oldest, values.get(oldest)!]);
            values.delete(oldest);
          }
        } else if (op === 2) {
          expect(map.get(key)).toBe(values.get(key));
          if (values.has(key)) use(key);
        } else if (op === 3) {
          expect(map.take(key)).toBe(values.get(key));
          if (values.delete(key)) order.splice(order.indexOf(key), 1);
        } else {
          map.delete(key);
          if (values.delete(key)) order.splice(order.indexOf(key), 1);
        }
        expect(map.size).toBe(order.length);
      }
      expect(evicted).toEqual(expectedEvicted);
      expect(map.evictions).toBe(expectedEvicted.length);
      map.clear();
      expect(map.size).toBe(0);
      for (const key of order) expect(map.get(key)).toBeUndefined();
      map.set(1, 'again'); // usable after clear
      expect(map.get(1)).toBe('again');
    }
  });
});
