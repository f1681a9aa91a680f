/** The seeded pseudo-random streams the simulator's determinism rests on. */
import { describe, expect, it } from 'vitest';
import { Prng, deriveSeed, uuidFromKey } from '../../src/simulate/prng.js';
import { MinHeap } from '../../src/simulate/heap.js';

describe('Prng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 100 }, () => a.uint32());
    expect(Array.from({ length: 100 }, () => b.uint32())).toEqual(seqA);
    const seqC = Array.from({ length: 100 }, () => c.uint32());
    expect(seqC.filter((v, i) => v === seqA[i]).length).toBeLessThan(3);
  });

  it('pins its output (a change of generator changes every simulated file, so it must be deliberate)', () => {
    const rng = new Prng(1);
    expect([rng.uint32(), rng.uint32(), rng.uint32()]).toEqual([3384357204, 4001177017, 406009659]);
    expect(new Prng(1).uuid()).toBe('c9b93154-ee7d-4db9-9833-373b69c0cf81');
  });

  it('draws uniform floats, bounded integers and weighted choices', () => {
    const rng = new Prng(7);
    const n = 200_000;
    let sum = 0;
    const buckets = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.float();
      if (!(x >= 0 && x < 1)) outOfRange += 1;
      sum += x;
      buckets[rng.int(10)]! += 1;
    }
    expect(outOfRange).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    for (const b of buckets) expect(Math.abs(b - n / 10) / (n / 10)).toBeLessThan(0.03);
    const picks = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 30_000; i++) picks[rng.weighted(['a', 'b', 'c'] as const, [1, 2, 7])] += 1;
    expect(picks.a / 30_000).toBeCloseTo(0.1, 1);
    expect(picks.c / 30_000).toBeCloseTo(0.7, 1);
    for (let i = 0; i < 1000; i++) {
      const v = rng.between(3, 5);
      expect(v >= 3 && v <= 5 && Number.isInteger(v)).toBe(true);
    }
  });

  it('draws log-normal values around their median and exponential values around their mean', () => {
    const rng = new Prng(9);
    const values = Array.from({ length: 50_000 }, () => rng.lognormal(30_000, 0.8)).sort((a, b) => a - b);
    expect(values[25_000]! / 30_000).toBeGreaterThan(0.97);
    expect(values[25_000]! / 30_000).toBeLessThan(1.03);
    const mean = Array.from({ length: 50_000 }, () => rng.exponential(500)).reduce((a, b) => a + b, 0) / 50_000;
    expect(mean).toBeGreaterThan(490);
    expect(mean).toBeLessThan(510);
  });

  it('makes version-4 layout UUIDs, also from a 64-bit key', () => {
    const rng = new Prng(3);
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const id = rng.uuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(10_000);
    expect(uuidFromKey(1, 2, 0)).toBe(uuidFromKey(1, 2, 0));
    expect(uuidFromKey(1, 2, 0)).not.toBe(uuidFromKey(1, 2, 1));
    expect(uuidFromKey(1, 2, 0)).not.toBe(uuidFromKey(2, 1, 0));
    const keyed = new Set(Array.from({ length: 10_000 }, (_, i) => uuidFromKey(i, i * 7, 0)));
    expect(keyed.size).toBe(10_000);
  });

  it('derives independent streams from one seed', () => {
    expect(deriveSeed(1, 'faults')).toBe(deriveSeed(1, 'faults'));
    expect(deriveSeed(1, 'faults')).not.toBe(deriveSeed(1, 'delivery'));
    expect(deriveSeed(1, 'faults')).not.toBe(deriveSeed(2, 'faults'));
    expect(deriveSeed(2 ** 40, 'x')).not.toBe(deriveSeed(0, 'x'));
  });
});

describe('MinHeap', () => {
  it('pops in order, ties in insertion order when the comparator says so', () => {
    const rng = new Prng(5);
    const heap = new MinHeap<{ at: number; seq: number }>((a, b) => a.at - b.at || a.seq - b.seq);
    const items = Array.from({ length: 5000 }, (_, seq) => ({ at: rng.int(100), seq }));
    for (const item of items) heap.push(item);
    expect(heap.size).toBe(5000);
    const out: { at: number; seq: number }[] = [];
    while (heap.size) out.push(heap.pop()!);
    expect(out).toEqual([...items].sort((a, b) => a.at - b.at || a.seq - b.seq));
    expect(heap.pop()).toBeUndefined();
  });
});
