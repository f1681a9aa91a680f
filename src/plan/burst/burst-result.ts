/** What a burst simulation reports, for either topology. */
import type { Mode } from '../inputs.js';
import type { BurstSeries } from './burst-series.js';

/** The outcome of simulating a burst on top of the base rate. */
export interface BurstResult {
  readonly mode: Mode;
  /** Extra events that arrived at once at t = 0. */
  readonly burstEvents: number;
  /** The base rate that kept arriving (events/s). */
  readonly baseRate: number;
  /** Seconds until the backlog was back to its steady state; null if not within the horizon. */
  readonly timeToDrainSeconds: number | null;
  /** Events that started processing within the simulated time. */
  readonly processed: number;
  /** Most events waiting at once (not yet started processing). */
  readonly peakBacklog: number;
  /** Highest Lambda concurrency reached (all functions of the pipeline). */
  readonly peakLambdaConcurrency: number;
  /** Highest concurrency of the Process function alone. */
  readonly peakProcessConcurrency: number;
  /** Events that completed — or, at the end, were still waiting — more than a minute after arrival. */
  readonly delayedOverOneMinute: number;
  /** Events dropped: EventBridge gave up retrying (direct) or SQS retention expired (buffered). */
  readonly atRiskOfDrop: number;
  /** Events still waiting when the simulation stopped (when drained: at most one step of base arrivals). */
  readonly backlogAtEnd: number;
  /** Simulated time (s). */
  readonly simulatedSeconds: number;
  /** Time steps taken. */
  readonly steps: number;
  /** Direct mode: StartExecution attempts that were throttled. */
  readonly throttledAttempts?: number;
  /** The quantities over time, when asked for (`simulateBurst(…, { series: true })`). */
  readonly series?: BurstSeries;
}

/** Rounds the fluid quantities of a result to whole events (concurrency up, counts to nearest). */
export function roundResult(result: BurstResult): BurstResult {
  const r = (n: number): number => Math.round(n);
  return {
    ...result,
    processed: r(result.processed),
    peakBacklog: r(result.peakBacklog),
    peakLambdaConcurrency: Math.ceil(result.peakLambdaConcurrency - 1e-6),
    peakProcessConcurrency: Math.ceil(result.peakProcessConcurrency - 1e-6),
    delayedOverOneMinute: r(result.delayedOverOneMinute),
    atRiskOfDrop: r(result.atRiskOfDrop),
    backlogAtEnd: r(result.backlogAtEnd),
    timeToDrainSeconds: result.timeToDrainSeconds === null ? null : Math.round(result.timeToDrainSeconds * 10) / 10,
    ...(result.throttledAttempts === undefined ? {} : { throttledAttempts: r(result.throttledAttempts) }),
  };
}
