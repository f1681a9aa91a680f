/**
 * Gauges the runtime samples on a timer: the backlog (the queue's waiting messages in buffered
 * mode, the bus's pending deliveries in direct mode) for the telemetry, the dead-letter total
 * for the status line, and whatever else rides on the same timer (admission's backlog and free disk). A count costs about 5 ms per million rows, so the interval follows the
 * cost: 50 times the last sample's duration, between 0.5 s and 10 s.
 */
import { errorMessage } from '../shared/index.js';

/** Where the samples come from and go. */
export interface BacklogSources {
  /**
   * The backlog now: `waiting` for a poller (the telemetry's gauge), and `stored` — accepted and
   * not yet processed, in flight included (what admission bounds). Direct mode: pending deliveries, both.
   */
  backlog(): { waiting: number; stored: number };
  /** Dead letters of every kind now. */
  deadLetters(): number;
  /** Told each backlog sample (the telemetry's gauge). */
  setBacklog(count: number): void;
  /** Told each sample too (admission's backlog, with its own free-disk reading). */
  sampled?: (backlog: { waiting: number; stored: number }) => void;
  log: (line: string) => void;
}

/**
 * @example
 * const backlog = () => { const s = queue.stats(); return { waiting: s.visible + s.delayed, stored: s.total }; };
 * const sampler = new BacklogSampler({ backlog, deadLetters, setBacklog, log });
 * sampler.start();           // samples at once, then on its timer
 * sampler.deadLetterTotal;   // the last sample's figure
 * sampler.stop();
 */
export class BacklogSampler {
  /** The dead-letter total of the last sample. */
  deadLetterTotal = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly sources: BacklogSources) {}

  /** Takes a sample now and schedules the next ones. */
  start(): void {
    this.sample();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private sample(): void {
    const started = performance.now();
    try {
      const backlog = this.sources.backlog();
      this.sources.setBacklog(backlog.waiting);
      this.deadLetterTotal = this.sources.deadLetters();
      this.sources.sampled?.(backlog);
    } catch (error) {
      this.sources.log(`sampling the backlog failed: ${errorMessage(error)}`);
    }
    if (this.stopped) return;
    const every = Math.min(10_000, Math.max(500, (performance.now() - started) * 50));
    this.timer = setTimeout(() => this.sample(), every);
    this.timer.unref();
  }
}
