/**
 * The burst simulations' quantities over time, for charts (`plan --html`): whatever lines a
 * simulation records — backlog, drain rate, Lambda concurrency, … — each with its unit, and the
 * configured bounds to draw beside them. Generic on purpose: a simulation adds a line by
 * recording it, and the page draws every line, grouped by unit, without knowing its name.
 */

/** A unit of a line; lines of one unit share a chart. */
export type BurstSeriesUnit = 'events' | 'events/s' | 'concurrent executions';

/** One quantity over time. */
export interface BurstLine {
  /** Stable id, e.g. `backlog`. */
  readonly id: string;
  readonly label: string;
  readonly unit: BurstSeriesUnit;
  /** One value per point of {@link BurstSeries.t}. */
  readonly values: readonly number[];
}

/** A configured limit drawn as a horizontal line on the chart of its unit. */
export interface BurstBound {
  readonly label: string;
  readonly unit: BurstSeriesUnit;
  readonly value: number;
}

/** Time series of one burst simulation. */
export interface BurstSeries {
  /** Start of each point's interval, seconds after the burst arrived. */
  readonly t: readonly number[];
  readonly lines: readonly BurstLine[];
  readonly bounds: readonly BurstBound[];
}

/** How a line's steps are merged when points are thinned: `max` keeps peaks, `mean` keeps totals. */
export type Aggregate = 'max' | 'mean';

/** A line to record: its description and how to thin it. */
export interface LineSpec {
  readonly id: string;
  readonly label: string;
  readonly unit: BurstSeriesUnit;
  readonly aggregate: Aggregate;
}

/**
 * The lines both simulations record, in this order: events waiting, events starting processing
 * per second, Lambda concurrency of every function of the pipeline, and of the Process function.
 */
export const BURST_LINES: readonly LineSpec[] = [
  { id: 'backlog', label: 'Backlog', unit: 'events', aggregate: 'max' },
  { id: 'drain', label: 'Drain', unit: 'events/s', aggregate: 'mean' },
  { id: 'lambdaConcurrency', label: 'All functions', unit: 'concurrent executions', aggregate: 'max' },
  { id: 'processConcurrency', label: 'Process function', unit: 'concurrent executions', aggregate: 'max' },
];

/** Points a series keeps at most (charts do not need more; a day-long simulation takes ~50,000 steps). */
export const MAX_SERIES_POINTS = 600;

/**
 * Records one value per line at each simulation step, then thins the steps to at most
 * {@link MAX_SERIES_POINTS} points: consecutive steps are merged, each line by its aggregate
 * (`max` keeps every peak the simulation reports; `mean` is weighted by step length, so a rate
 * keeps its area).
 *
 * @example
 * const recorder = new SeriesRecorder([{ id: 'backlog', label: 'Backlog', unit: 'events', aggregate: 'max' }]);
 * recorder.record(0, 0.1, [1000]);
 * recorder.finish([]).lines[0].values // [1000]
 */
export class SeriesRecorder {
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  private readonly columns: number[][];

  constructor(private readonly specs: readonly LineSpec[]) {
    this.columns = specs.map(() => []);
  }

  /** The step starting at `start` (s), `length` s long, had these values (one per line, in spec order). */
  record(start: number, length: number, values: readonly number[]): void {
    this.starts.push(start);
    this.lengths.push(length);
    this.specs.forEach((_, i) => this.columns[i]!.push(values[i] ?? 0));
  }

  /** The thinned series with `bounds`. */
  finish(bounds: readonly BurstBound[]): BurstSeries {
    const n = this.starts.length;
    const per = Math.max(1, Math.ceil(n / MAX_SERIES_POINTS));
    const t: number[] = [];
    const lines = this.specs.map(() => [] as number[]);
    for (let from = 0; from < n; from += per) {
      const to = Math.min(n, from + per);
      t.push(this.starts[from]!);
      this.specs.forEach((spec, i) => {
        const column = this.columns[i]!;
        if (spec.aggregate === 'max') {
          let max = Number.NEGATIVE_INFINITY;
          for (let k = from; k < to; k++) max = Math.max(max, column[k]!);
          lines[i]!.push(max);
        } else {
          let sum = 0;
          let span = 0;
          for (let k = from; k < to; k++) {
            sum += column[k]! * this.lengths[k]!;
            span += this.lengths[k]!;
          }
          lines[i]!.push(span > 0 ? sum / span : 0);
        }
      });
    }
    return {
      t,
      lines: this.specs.map((spec, i) => ({ id: spec.id, label: spec.label, unit: spec.unit, values: lines[i]! })),
      bounds,
    };
  }
}
