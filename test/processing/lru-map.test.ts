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
});
