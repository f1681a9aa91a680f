/**
 * A token bucket as AWS throttles APIs: up to `capacity` tokens, refilled continuously at
 * `refillPerSecond`, starting full. Within one step, demand is assumed spread evenly, so the
 * tokens usable in a step of `dt` seconds are the bucket's content plus the step's refill.
 */
export class TokenBucket {
  private tokens: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
  ) {
    this.tokens = capacity;
  }

  /** Grants up to `demand` tokens over a step of `dt` seconds; returns how many were granted. */
  take(demand: number, dt: number): number {
    const available = this.tokens + this.refillPerSecond * dt;
    const granted = Math.min(Math.max(0, demand), available);
    this.tokens = Math.min(this.capacity, available - granted);
    return granted;
  }

  /** Tokens left in the bucket. */
  get level(): number {
    return this.tokens;
  }
}
