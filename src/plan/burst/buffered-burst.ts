/**
 * Burst simulation of the buffered topology, stepped in time with fluid quantities:
 *
 *   bus ──(EventBridge invocations quota)──► SQS ──(event source mapping: ≤ E batches)──► starter → Express ──► Lambda
 *
 * - The rule delivers to SQS at most `invocationsPerSecond`; the rest waits (delayed, not lost).
 * - The mapping processes B batches at once, each of `batch` events keeping its starter busy for
 *   `starterMs`, so it drains B · batch / T events/s, bounded by the concurrency the Process
 *   function can get (its reserved concurrency or the account's, never above E × M by
 *   construction) / d_process and the Express start rate. B starts at what the base rate needs
 *   (at least the five initial batches) and, while a backlog remains, grows by 300 a minute up to
 *   E and the SQS in-flight limit (B · batch ≤ 120,000). A throttled Process invocation is
 *   retried and handed back to the queue, never dead-lettered: throttling only slows the drain.
 * - SQS is first in, first out by arrival time, so each event's wait is known; messages older
 *   than the retention period are dropped.
 * - Drained: fewer than half an event waiting. When the base rate alone exceeds the capacity
 *   there is no steady state to return to, and the simulation runs to its horizon.
 */
import type { BurstResult } from './burst-result.js';
import type { SeriesRecorder } from './burst-series.js';
import { FifoCohorts } from './fifo-cohorts.js';
import { DRAINED, stepTicks, TICK_SECONDS } from './time-grid.js';

/** Everything the buffered simulation needs, in plain numbers (see {@link bufferedBurstParams}). */
export interface BufferedBurstParams {
  readonly baseRate: number;
  readonly burst: number;
  readonly invocationsPerSecond: number;
  /** Events per batch under a backlog (full batches). */
  readonly batch: number;
  /** How long a full batch keeps its starter busy (ms): its executions, one after another. */
  readonly starterMs: number;
  /** Events per execution of a full batch. */
  readonly eventsPerExecution: number;
  readonly validateMs: number;
  readonly processMs: number;
  readonly summarizeMs: number;
  /** Batches in flight the base rate alone needs. */
  readonly baseBatchesInFlight: number;
  /** Batches the mapping starts with. */
  readonly initialBatches: number;
  /** Batches added per second while a backlog remains. */
  readonly scaleUpPerSecond: number;
  /** E: the mapping's MaximumConcurrency. */
  readonly eventSourceConcurrency: number;
  readonly inFlightLimit: number;
  readonly expressStartsPerSecond: number;
  /** Concurrency the Process function can get: min(E × M, its reserved concurrency or the account's). */
  readonly processConcurrencyLimit: number;
  readonly retentionSeconds: number;
  readonly delayedThresholdSeconds: number;
  /** Stop after this many simulated seconds even if not drained. */
  readonly horizonSeconds: number;
}

/**
 * Simulates `burst` extra events arriving at t = 0 on top of `baseRate`.
 *
 * @example
 * // 1,000 events, 10-event batches of 100 ms, 5 initial batches growing by 1/s: drained at t = 1.8 s
 * simulateBufferedBurst({ ...params, baseRate: 0, burst: 1000 }).timeToDrainSeconds // 1.8
 *
 * `series`, when given, records each step's {@link BURST_LINES} (for charts).
 */
export function simulateBufferedBurst(p: BufferedBurstParams, series?: SeriesRecorder): BurstResult {
  const execS = p.starterMs / 1_000;
  const processS = p.processMs / 1_000;
  const perExecutionS = (p.validateMs + p.summarizeMs) / 1_000;
  const maxE = Math.min(p.eventSourceConcurrency, p.inFlightLimit / p.batch);
  let pipes = Math.min(maxE, Math.max(p.initialBatches, p.baseBatchesInFlight));
  const capacity = Math.min(
    p.invocationsPerSecond,
    execS > 0 ? (maxE * p.batch) / execS : Infinity,
    processS > 0 ? p.processConcurrencyLimit / processS : Infinity,
    p.expressStartsPerSecond * p.eventsPerExecution,
  );
  // With the base rate above capacity there is no steady state to return to: run to the horizon.
  const canDrain = p.baseRate <= capacity;
  const bus = new FifoCohorts();
  const sqs = new FifoCohorts();

  let tick = 0;
  let steps = 0;
  let peakBacklog = 0;
  let peakConcurrency = 0;
  let peakProcess = 0;
  let delayed = 0;
  let dropped = 0;
  let processed = 0;
  let drainedAt: number | null = null;
  let end = 0;

  while (true) {
    const ticks = stepTicks(tick);
    const dt = ticks * TICK_SECONDS;
    const start = tick * TICK_SECONDS;
    end = start + dt;
    steps++;

    bus.push(start, p.baseRate * dt + (tick === 0 ? p.burst : 0));
    const waiting = bus.total + sqs.total;
    peakBacklog = Math.max(peakBacklog, waiting);

    bus.take(p.invocationsPerSecond * dt, (arrival, count) => sqs.push(arrival, count));

    const rate = Math.min(
      execS > 0 ? (pipes * p.batch) / execS : Infinity,
      processS > 0 ? p.processConcurrencyLimit / processS : Infinity,
      p.expressStartsPerSecond * p.eventsPerExecution,
    );
    const served = sqs.take(rate * dt, (arrival, count) => {
      if (end - arrival + execS > p.delayedThresholdSeconds) delayed += count;
    });
    processed += served;
    const servedRate = served / dt;
    // Process, the per-execution functions, and the starters busy with their batches.
    const concurrency =
      servedRate * processS + (servedRate / p.eventsPerExecution) * perExecutionS + (servedRate / p.batch) * execS;
    peakConcurrency = Math.max(peakConcurrency, concurrency);
    peakProcess = Math.max(peakProcess, servedRate * processS);
    series?.record(start, dt, [waiting, servedRate, concurrency, servedRate * processS]);

    dropped += sqs.dropArrivedBy(end - p.retentionSeconds);
    const backlog = bus.total + sqs.total;
    if (backlog > DRAINED) pipes = Math.min(maxE, pipes + p.scaleUpPerSecond * dt);
    tick += ticks;

    if (canDrain && backlog <= DRAINED) {
      drainedAt = end;
      break;
    }
    if (end >= p.horizonSeconds) break;
  }

  const backlogAtEnd = bus.total + sqs.total;
  if (drainedAt === null) {
    const cutoff = end - p.delayedThresholdSeconds;
    delayed += bus.countArrivedBy(cutoff) + sqs.countArrivedBy(cutoff);
  }
  return {
    mode: 'buffered',
    burstEvents: p.burst,
    baseRate: p.baseRate,
    timeToDrainSeconds: drainedAt,
    processed,
    peakBacklog,
    peakLambdaConcurrency: peakConcurrency,
    peakProcessConcurrency: peakProcess,
    delayedOverOneMinute: delayed,
    atRiskOfDrop: dropped,
    backlogAtEnd,
    simulatedSeconds: end,
    steps,
  };
}
