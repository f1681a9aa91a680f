/**
 * Seeded pseudo-random numbers for the simulator: the same seed always yields the same sequence,
 * on every platform, so the simulator's output is reproducible byte for byte.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's "small fast counting" generator, 128-bit state,
 * passes PractRand), seeded through splitmix32 so that nearby seeds (1, 2, 3…) give unrelated
 * streams. It is not cryptographic and must never be used for secrets.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/**
 * Mixes a seed and a stream name into one 32-bit seed, so that independent streams (say,
 * "conversations" and "faults") derived from one user seed do not overlap.
 *
 * @example
 * new Prng(deriveSeed(1, 'faults'))
 */
export function deriveSeed(seed: number, stream: string): number {
  let h = splitmix32(Math.trunc(seed) >>> 0) ^ Math.trunc(seed / 2 ** 32);
  for (let i = 0; i < stream.length; i++) h = splitmix32(h ^ stream.charCodeAt(i));
  return h >>> 0;
}

/** A UUID (version 4 layout: version and variant bits set) from four 32-bit words. */
function uuidFromWords(a: number, b: number, c: number, d: number): string {
  return (
    HEX[a >>> 24]! +
    HEX[(a >>> 16) & 255]! +
    HEX[(a >>> 8) & 255]! +
    HEX[a & 255]! +
    '-' +
    HEX[b >>> 24]! +
    HEX[(b >>> 16) & 255]! +
    '-' +
    HEX[((b >>> 8) & 0x0f) | 0x40]! +
    HEX[b & 255]! +
    '-' +
    HEX[((c >>> 24) & 0x3f) | 0x80]! +
    HEX[(c >>> 16) & 255]! +
    '-' +
    HEX[(c >>> 8) & 255]! +
    HEX[c & 255]! +
    HEX[d >>> 24]! +
    HEX[(d >>> 16) & 255]! +
    HEX[(d >>> 8) & 255]! +
    HEX[d & 255]!
  );
}

/**
 * A UUID determined by a 64-bit key (`high`, `low`) and a `salt` (0, 1, … for several UUIDs of
 * one key): lets a caller keep two numbers instead of UUID strings and make the UUID on demand.
 */
export function uuidFromKey(high: number, low: number, salt: number): string {
  const base = splitmix32(high ^ Math.imul(salt + 1, 0x85ebca6b));
  const a = splitmix32(base ^ low);
  const b = splitmix32(a ^ high);
  const c = splitmix32(b ^ low ^ salt);
  const d = splitmix32(c ^ base);
  return uuidFromWords(a, b, c, d);
}

/**
 * A seeded pseudo-random number generator (sfc32) with the draws the simulator needs.
 *
 * @example
 * const rng = new Prng(42);
 * rng.float();            // 0 ≤ x < 1
 * rng.int(6);             // 0…5
 * rng.lognormal(30_000, 0.8); // median 30 s
 * rng.uuid();             // 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    let s = seed >>> 0;
    this.a = s = splitmix32(s);
    this.b = s = splitmix32(s);
    this.c = s = splitmix32(s);
    this.d = 1;
    // Discard the first outputs: sfc32's state needs a few rounds to mix.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The next unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float uniformly distributed in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer uniformly distributed in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer uniformly distributed in [min, max] (both inclusive). */
  between(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** One element, chosen with probability proportional to its weight (weights ≥ 0, not all 0). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.float() * total;
    for (let i = 0; i < items.length; i++) {
      x -= weights[i]!;
      if (x < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }

  /** A standard normal variate (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * A log-normal variate with the given median and shape σ (the standard deviation of its
   * logarithm): half the values are below `median`; σ 0.5 is narrow, σ 1 has a long tail.
   */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** An exponential variate with the given mean (the gaps of a Poisson process). */
  exponential(mean: number): number {
    let u = 0;
    while (u === 0) u = this.float();
    return -Math.log(u) * mean;
  }

  /** A random (version 4 layout) UUID, lowercase, e.g. `5f1c2d3e-8a4b-4c6d-9e0f-1a2b3c4d5e6f`. */
  uuid(): string {
    return uuidFromWords(this.uint32(), this.uint32(), this.uint32(), this.uint32());
  }

  /** `n` random lowercase hex digits. */
  hex(n: number): string {
    let out = '';
    while (out.length < n) {
      const v = this.uint32();
      out += HEX[v >>> 24]! + HEX[(v >>> 16) & 255]! + HEX[(v >>> 8) & 255]! + HEX[v & 255]!;
    }
    return out.slice(0, n);
  }

  /** `n` random decimal digits (leading zeros allowed). */
  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += String(this.int(10));
    return out;
  }
}
