/**
 * A timeline of scheduled retry attempts with jitter: `count` events throttled now retry
 * uniformly over the next `width` ticks (full jitter). Stored as a ring of rate changes (a
 * difference array), so scheduling and reading are O(1) per tick whatever the spread.
 */
export class RetryTimeline {
  private readonly delta: Float64Array;
  private rate = 0;
  private cursor = 0;
  private scale = 1;
  private pop = 0;
  private dirty = false;

  /** `maxWidthTicks`: the widest spread this timeline will be asked for. */
  constructor(readonly maxWidthTicks: number) {
    this.delta = new Float64Array(maxWidthTicks + 2);
  }

  /** Events scheduled and not yet due. */
  get population(): number {
    return this.pop;
  }

  /** Spreads `count` attempts evenly over the next `widthTicks` ticks (1 ≤ width ≤ maxWidthTicks). */
  schedule(count: number, widthTicks: number): void {
    if (count <= 0) return;
    const width = Math.min(this.maxWidthTicks, Math.max(1, Math.round(widthTicks)));
    const perTick = count / width / this.scale;
    const size = this.delta.length;
    this.delta[this.cursor % size]! += perTick;
    this.delta[(this.cursor + width) % size]! -= perTick;
    this.pop += count;
    this.dirty = true;
  }

  /** Advances `ticks` ticks and returns the attempts that fell due (they leave the timeline). */
  takeDue(ticks: number): number {
    const size = this.delta.length;
    let due = 0;
    for (let i = 0; i < ticks; i++) {
      const slot = (this.cursor + i) % size;
      this.rate += this.delta[slot]!;
      this.delta[slot] = 0;
      due += this.rate;
    }
    this.cursor += ticks;
    due = Math.min(Math.max(0, due * this.scale), this.pop);
    this.pop -= due;
    if (this.pop <= 1e-9) this.reset();
    return due;
  }

  /** Removes `count` scheduled events spread evenly over the timeline (e.g. dropped by age). */
  removeEvenly(count: number): void {
    if (count <= 0 || this.pop <= 0) return;
    const remaining = Math.max(0, this.pop - count);
    this.scale *= remaining / this.pop;
    this.pop = remaining;
    if (this.pop <= 1e-9) this.reset();
  }

  private reset(): void {
    if (this.dirty) this.delta.fill(0);
    this.dirty = false;
    this.rate = 0;
    this.scale = 1;
    this.pop = 0;
  }
}
