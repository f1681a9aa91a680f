/**
 * The simulation clock: fine steps while things change fast, coarse steps later, so a day-long
 * retry window costs tens of thousands of steps, not millions. Time advances in integer ticks
 * of 0.1 s so that it never drifts.
 */

/** Length of one tick (s): the finest step and the slot width of retry timelines. */
export const TICK_SECONDS = 0.1;

/** Step length in ticks at `tick`: 0.1 s for the first 10 minutes, 1 s to 2 hours, then 10 s. */
export function stepTicks(tick: number): number {
  if (tick < 6_000) return 1;
  if (tick < 72_000) return 10;
  return 100;
}

/** A backlog below this many events counts as drained (fluid quantities: half an event). */
export const DRAINED = 0.5;
