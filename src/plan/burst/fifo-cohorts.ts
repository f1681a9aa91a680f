/**
 * A first-in-first-out queue of event cohorts (arrival time, count), as fluid quantities: an SQS
 * standard queue or EventBridge's backlog of first attempts. Taking from the head reports each
 * cohort's arrival time, so the caller can tell how long the events waited.
 */
export class FifoCohorts {
  private times: number[] = [];
  private counts: number[] = [];
  private head = 0;
  private sum = 0;

  /** Events in the queue. */
  get total(): number {
    return this.sum;
  }

  /** Arrival time of the oldest event, or null when empty. */
  get oldest(): number | null {
    return this.head < this.times.length ? (this.times[this.head] ?? null) : null;
  }

  /** Appends `count` events that arrived at `time` (merged with the tail cohort if it has the same time). */
  push(time: number, count: number): void {
    if (count <= 0) return;
    const last = this.times.length - 1;
    if (last >= this.head && this.times[last] === time) this.counts[last] = (this.counts[last] ?? 0) + count;
    else {
      this.times.push(time);
      this.counts.push(count);
    }
    this.sum += count;
  }

  /** Removes up to `amount` events from the head, calling `each(arrivalTime, count)` per cohort taken from. */
  take(amount: number, each?: (time: number, count: number) => void): number {
    let left = Math.min(amount, this.sum);
    const taken = left;
    while (left > 0 && this.head < this.times.length) {
      const count = this.counts[this.head] ?? 0;
      const part = Math.min(count, left);
      each?.(this.times[this.head] ?? 0, part);
      left -= part;
      if (part >= count - 1e-9) this.head++;
      else this.counts[this.head] = count - part;
    }
    this.sum -= taken;
    if (this.head >= this.times.length || this.sum <= 1e-9) this.clear();
    else if (this.head > 4_096 && this.head * 2 > this.times.length) this.compact();
    return taken;
  }

  /** Removes every event that arrived at or before `cutoff`; returns how many. */
  dropArrivedBy(cutoff: number): number {
    let dropped = 0;
    while (this.head < this.times.length && (this.times[this.head] ?? Infinity) <= cutoff) {
      dropped += this.counts[this.head] ?? 0;
      this.head++;
    }
    this.sum -= dropped;
    if (this.head >= this.times.length || this.sum <= 1e-9) this.clear();
    return dropped;
  }

  /** Events that arrived at or before `cutoff` (without removing them). */
  countArrivedBy(cutoff: number): number {
    let n = 0;
    for (let i = this.head; i < this.times.length && (this.times[i] ?? Infinity) <= cutoff; i++)
      n += this.counts[i] ?? 0;
    return n;
  }

  private clear(): void {
    this.times = [];
    this.counts = [];
    this.head = 0;
    this.sum = 0;
  }

  private compact(): void {
    this.times = this.times.slice(this.head);
    this.counts = this.counts.slice(this.head);
    this.head = 0;
  }
}
