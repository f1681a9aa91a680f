/** The compact set behind `inspect`'s duplicate and conversation counts. */
import { describe, expect, it } from 'vitest';
import { FingerprintSet, hexFingerprint, stringFingerprint } from '../../src/simulate/fingerprint-set.js';

describe('FingerprintSet', () => {
  it('stores members with a value, returns the first value on a repeat, and grows', () => {
    const set = new FingerprintSet(16);
    for (let i = 0; i < 50_000; i++) expect(set.add(i * 2654435761, i ^ 0xdeadbeef, i + 1)).toBeUndefined();
    expect(set.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 997) expect(set.add(i * 2654435761, i ^ 0xdeadbeef, 0)).toBe(i + 1);
    expect(set.size).toBe(50_000);
    expect(set.add(0, 0, 5)).toBeUndefined();
    expect(set.add(0, 0, 6)).toBe(5);
  });

  it('fingerprints strings and hex digests', () => {
    expect(stringFingerprint('abc')).toEqual(stringFingerprint('abc'));
    expect(stringFingerprint('abc')).not.toEqual(stringFingerprint('abd'));
    expect(hexFingerprint('0123456789abcdef' + 'f'.repeat(48))).toEqual([0x01234567, 0x89abcdef]);
  });
});
