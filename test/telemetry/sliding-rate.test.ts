import { describe, expect, it } from 'vitest';
import { SlidingRate } from '../../src/telemetry/sliding-rate.js';

describe('SlidingRate', () => {
  it('divides by the time since creation while younger than the window', () => {
    let now = 10_000;
    const rate = new SlidingRate(() => now, { windowMs: 5_000, bucketMs: 250 });
    expect(rate.perSecond()).toBe(0);
    rate.add(500);
    now = 11_000;
    expect(rate.perSecond()).toBe(500);
    now = 12_000;
    expect(rate.perSecond()).toBe(250);
  });

  it('measures a steady flow exactly once the window is full', () => {
    let now = 0;
    const rate = new SlidingRate(() => now, { windowMs: 5_000, bucketMs: 250 });
    // 40 events every 10 ms = 4,000 events/s, for 20 s.
    for (now = 0; now < 20_000; now += 10) rate.add(40);
    now = 20_000 - 1; // window = buckets 60…79: t 15,000 … 19,999, 500 additions of 40
    expect(rate.perSecond()).toBeCloseTo(4_000, -1);
  });

  it('drops buckets that leave the window and reads 0 after a quiet window', () => {
    let now = 0;
    const rate = new SlidingRate(() => now, { windowMs: 1_000, bucketMs: 100 });
    rate.add(100);
    now = 999; // bucket 0 still inside (buckets 0…9)
    expect(rate.perSecond()).toBeCloseTo(100 / 0.999, 6);
    now = 1_000; // bucket 0 has left: buckets 1…10
    expect(rate.perSecond()).toBe(0);
    now = 1_050;
    rate.add(30);
    expect(rate.perSecond()).toBeCloseTo(30 / 0.95, 6); // span from bucket 1's start (100 ms) to now
    now = 60_000;
    expect(rate.perSecond()).toBe(0);
  });

  it('follows a step change in the flow within one window', () => {
    let now = 0;
    const rate = new SlidingRate(() => now, { windowMs: 2_000, bucketMs: 100 });
    for (; now < 10_000; now += 100) rate.add(100); // 1,000/s
    expect(rate.perSecond()).toBeCloseTo(1_000, -1);
    for (; now < 12_000; now += 100) rate.add(10); // 100/s
    expect(rate.perSecond()).toBeCloseTo(100, 6); // 19 additions of 10 over buckets 101…120 (1.9 s)
  });

  it('rejects a window that is not a multiple of the bucket', () => {
    expect(() => new SlidingRate(() => 0, { windowMs: 1_050, bucketMs: 100 })).toThrow(/multiple of bucketMs/);
    expect(() => new SlidingRate(() => 0, { windowMs: 1_000, bucketMs: 0 })).toThrow(/multiple of bucketMs/);
  });
});
