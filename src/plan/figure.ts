/**
 * A number the planner takes from outside (an AWS quota, an AWS price, or one of our own model
 * assumptions), with where it comes from and when it was checked, so every output can be traced
 * back to its source and re-checked when AWS changes a figure.
 */

/** The date the figures in this module were last checked against their sources. */
const FIGURES_CHECKED = '2026-11-27';

/** One sourced figure. */
export interface SourcedFigure {
  /** The value, in `unit`. */
  readonly value: number;
  /** What one `value` counts, e.g. `"executions/s"`, `"USD per 1M requests"`. */
  readonly unit: string;
  /** The public page the figure comes from, or `"model assumption"` for our own figures. */
  readonly source: string;
  /** The date (YYYY-MM-DD) the figure was checked against `source`. */
  readonly checked: string;
  /** Anything a reader needs to interpret or re-check the figure. */
  readonly note?: string;
}

/** Shorthand for building a figure checked on {@link FIGURES_CHECKED}. */
export function figure(value: number, unit: string, source: string, note?: string): SourcedFigure {
  return note === undefined
    ? { value, unit, source, checked: FIGURES_CHECKED }
    : { value, unit, source, checked: FIGURES_CHECKED, note };
}
