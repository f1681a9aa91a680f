/**
 * A compact set of 64-bit fingerprints, each with a 32-bit value (a line number), for counting
 * distinct events and conversations in files of millions of lines: 13 bytes per slot, at most
 * half the slots used (so 26–52 bytes per member), instead of the hundreds of bytes a
 * `Set<string>` of 64-character keys would take.
 *
 * Two different members with the same 64-bit fingerprint are counted as one; for a million
 * members the chance that this happens at all is about 3 in 100 million.
 */

/**
 * Open-addressing hash set of (high, low) 32-bit pairs with a value per member.
 *
 * @example
 * const seen = new FingerprintSet();
 * seen.add(0x1234, 0x5678, 17); // undefined: new member, value 17 stored
 * seen.add(0x1234, 0x5678, 90); // 17: already present, its value returned
 */
export class FingerprintSet {
  private high: Uint32Array;
  private low: Uint32Array;
  private values: Uint32Array;
  private used: Uint8Array;
  private count = 0;

  constructor(initialCapacity = 1024) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.values = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  /** Number of members. */
  get size(): number {
    return this.count;
  }

  /** Adds the member with `value` and returns `undefined`, or returns the value stored when it was first added. */
  add(high: number, low: number, value: number): number | undefined {
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    const mask = this.used.length - 1;
    let i = mix(high, low) & mask;
    for (;;) {
      if (this.used[i] === 0) {
        this.used[i] = 1;
        this.high[i] = high;
        this.low[i] = low;
        this.values[i] = value;
        this.count += 1;
        return undefined;
      }
      if (this.high[i] === high >>> 0 && this.low[i] === low >>> 0) return this.values[i];
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { high, low, values, used } = this;
    const capacity = used.length * 2;
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.values = new Uint32Array(capacity);
    this.used = new Uint8Array(capacity);
    this.count = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.add(high[i]!, low[i]!, values[i]!);
  }
}

function mix(high: number, low: number): number {
  let h = Math.imul(high ^ (low >>> 15), 0x2c1b3c6d) ^ low;
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

/** 64-bit fingerprint of a string: two FNV-1a 32-bit hashes with different offsets. */
export function stringFingerprint(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return [a >>> 0, b >>> 0];
}

/** 64-bit fingerprint of a hex digest (the first 16 hex digits), e.g. an idempotency key. */
export function hexFingerprint(hex: string): [number, number] {
  return [Number.parseInt(hex.slice(0, 8), 16) >>> 0, Number.parseInt(hex.slice(8, 16), 16) >>> 0];
}
