/**
 * Burst simulation of the direct topology, stepped in time with fluid quantities:
 *
 *   bus ──(EventBridge invocations quota)──► StartExecution (Standard token bucket)
 *       ──► state transitions (token bucket) ──► Validate + Process (Lambda)
 *
 * Every attempt (first or retry) needs an EventBridge invocation; an attempt that finds the
 * StartExecution bucket empty is throttled and EventBridge retries it with exponential backoff
 * and full jitter: after its k-th throttle an event retries uniformly within
 * D_k = min(base · 2^(k−1), cap) seconds. Events are grouped by how often they were throttled
 * (one retry timeline per class, the capped classes merged into one), so their age is known
 * on average: A_k = Σ_{j≤k} D_j / 2. An event is dropped when its retries are exhausted or its
 * next attempt would come after the maximum event age (unless the target has a DLQ: then it
 * goes there — either way it is "at risk"). Drained: fewer than half an event waiting; with the
 * base rate above the StartExecution or transition refill the simulation runs to its horizon.
 */
import type { BurstResult } from './burst-result.js';
import type { SeriesRecorder } from './burst-series.js';
import { FifoCohorts } from './fifo-cohorts.js';
import { RetryTimeline } from './retry-timeline.js';
import { DRAINED, stepTicks, TICK_SECONDS } from './time-grid.js';
import { TokenBucket } from './token-bucket.js';

/** Everything the direct simulation needs, in plain numbers (see {@link directBurstParams}). */
export interface DirectBurstParams {
  readonly baseRate: number;
  readonly burst: number;
  readonly invocationsPerSecond: number;
  readonly startBucket: number;
  readonly startRefillPerSecond: number;
  readonly transitionBucket: number;
  readonly transitionRefillPerSecond: number;
  readonly transitionsPerExecution: number;
  readonly validateMs: number;
  readonly processMs: number;
  /** The rule target's MaximumRetryAttempts. */
  readonly retryAttempts: number;
  /** The rule target's MaximumEventAgeInSeconds. */
  readonly retryMaxAgeSeconds: number;
  readonly retryBaseSeconds: number;
  readonly retryCapSeconds: number;
  readonly delayedThresholdSeconds: number;
  readonly horizonSeconds: number;
}

interface RetryClass {
  /** Retry delay of this class (s). */
  readonly delay: number;
  /** Mean age of its events at their next attempt (s). */
  readonly age: number;
  readonly timeline: RetryTimeline;
  /** Attempts due but postponed by the invocations quota. */
  carry: number;
}

/** Entry cohorts of the capped class, for its age-based drop; counts are `stored × factor`. */
interface CappedCohort {
  readonly entered: number;
  stored: number;
}

/**
 * Simulates `burst` extra events arriving at t = 0 on top of `baseRate`.
 *
 * @example
 * // us-east-1 bucket: a burst of 1,300 is absorbed at once, no event is throttled
 * simulateDirectBurst({ ...params, baseRate: 0, burst: 1300 }).throttledAttempts // 0
 *
 * `series`, when given, records each step's {@link BURST_LINES} (for charts).
 */
export function simulateDirectBurst(p: DirectBurstParams, series?: SeriesRecorder): BurstResult {
  const durationS = (p.validateMs + p.processMs) / 1_000;
  const capTicks = Math.ceil(p.retryCapSeconds / TICK_SECONDS);
  // Classes 1..n with doubling delays below the cap; the rest (delay = cap) merged into one.
  const classes: RetryClass[] = [];
  let age = 0;
  for (let k = 1; k <= p.retryAttempts; k++) {
    const delay = p.retryBaseSeconds * 2 ** (k - 1);
    if (delay >= p.retryCapSeconds) break;
    age += delay / 2;
    if (age > p.retryMaxAgeSeconds) break;
    classes.push({ delay, age, timeline: new RetryTimeline(Math.max(1, Math.round(delay / TICK_SECONDS))), carry: 0 });
  }
  const cappedRetries = p.retryAttempts - classes.length;
  const cappedAge = age; // mean age of an event entering the capped class
  // Time an event spends in the capped class before its retries or its maximum age run out.
  const cappedStay = Math.min(cappedRetries * (p.retryCapSeconds / 2), p.retryMaxAgeSeconds - cappedAge);
  const hasCapped = cappedRetries > 0 && cappedStay > 0 && classes.length === countDoubling(p);
  const capped = hasCapped ? new RetryTimeline(capTicks) : null;
  const cappedCohorts: CappedCohort[] = [];
  let cappedHead = 0;
  let cappedFactor = 1;
  let cappedCarry = 0;

  const bus = new FifoCohorts();
  const start = new TokenBucket(p.startBucket, p.startRefillPerSecond);
  const transitions = new TokenBucket(p.transitionBucket, p.transitionRefillPerSecond);
  let pending = 0; // started executions waiting for state transitions
  // With the base rate above capacity there is no steady state to return to: run to the horizon.
  const canDrain =
    p.baseRate <=
    Math.min(p.invocationsPerSecond, p.startRefillPerSecond, p.transitionRefillPerSecond / p.transitionsPerExecution);

  let tick = 0;
  let steps = 0;
  let end = 0;
  let peakBacklog = 0;
  let peakConcurrency = 0;
  let peakProcess = 0;
  let delayed = 0;
  let dropped = 0;
  let throttled = 0;
  let processed = 0;
  let drainedAt: number | null = null;

  const cappedPopulation = (): number => (capped ? capped.population + cappedCarry : 0);
  const backlogNow = (): number =>
    bus.total + classes.reduce((s, c) => s + c.timeline.population + c.carry, 0) + cappedPopulation() + pending;

  /** Sends `count` events just throttled for the k-th time (k ≥ 1) to their retry class, or drops them. */
  const rethrottle = (count: number, k: number, now: number): void => {
    if (count <= 0) return;
    throttled += count;
    const target = classes[k - 1];
    if (target) target.timeline.schedule(count, Math.max(1, Math.round(target.delay / TICK_SECONDS)));
    else if (capped && k === classes.length + 1) {
      capped.schedule(count, capTicks);
      cappedCohorts.push({ entered: now, stored: count / cappedFactor });
    } else dropped += count;
  };

  while (true) {
    const ticks = stepTicks(tick);
    const dt = ticks * TICK_SECONDS;
    const now = tick * TICK_SECONDS;
    end = now + dt;
    steps++;

    bus.push(now, p.baseRate * dt + (tick === 0 ? p.burst : 0));
    const waiting = backlogNow();
    peakBacklog = Math.max(peakBacklog, waiting);

    // Attempts due this step: every waiting first attempt, and retries falling due.
    const due = classes.map((c) => c.timeline.takeDue(ticks) + c.carry);
    for (const c of classes) c.carry = 0;
    const cappedDue = capped ? capped.takeDue(ticks) + cappedCarry : 0;
    cappedCarry = 0;
    const retriesDue = due.reduce((s, d) => s + d, 0) + cappedDue;
    const demand = bus.total + retriesDue;
    const allowed = p.invocationsPerSecond * dt;
    const share = demand > allowed ? allowed / demand : 1;
    const attempted = demand * share;

    const granted = start.take(attempted, dt);
    const admitted = attempted > 0 ? granted / attempted : 0;

    // First attempts, oldest first.
    let firstThrottled = 0;
    bus.take(bus.total * share, (arrival, count) => {
      const ok = count * admitted;
      if (end - arrival + durationS > p.delayedThresholdSeconds) delayed += ok;
      firstThrottled += count - ok;
    });
    rethrottle(firstThrottled, 1, now);

    // Retries by class (class k holds events throttled k times; their next throttle is the (k+1)-th).
    classes.forEach((c, i) => {
      const d = due[i] ?? 0;
      const tried = d * share;
      c.carry += d - tried;
      const ok = tried * admitted;
      if (c.age + durationS > p.delayedThresholdSeconds) delayed += ok;
      rethrottle(tried - ok, i + 2, now);
    });

    if (capped) {
      const population = capped.population + cappedDue; // before admissions
      const tried = cappedDue * share;
      cappedCarry += cappedDue - tried;
      const ok = tried * admitted;
      if (cappedAge + durationS > p.delayedThresholdSeconds) delayed += ok;
      throttled += tried - ok;
      capped.schedule(tried - ok, capTicks);
      if (population > 0) cappedFactor *= Math.max(0, population - ok) / population;
      // Cohorts past their time in the capped class are dropped (spread evenly over the timeline).
      while (cappedHead < cappedCohorts.length && now - cappedCohorts[cappedHead]!.entered >= cappedStay) {
        const cohort = cappedCohorts[cappedHead++]!;
        const count = Math.min(cohort.stored * cappedFactor, cappedPopulation());
        const fromCarry = cappedPopulation() > 0 ? count * (cappedCarry / cappedPopulation()) : 0;
        cappedCarry -= fromCarry;
        capped.removeEvenly(count - fromCarry);
        dropped += count;
      }
      if (cappedPopulation() <= 1e-9) {
        cappedCohorts.length = 0;
        cappedHead = 0;
        cappedFactor = 1;
      }
    }

    // Started executions progress as state transitions allow; Lambda runs Validate then Process.
    pending += granted;
    const progressed = transitions.take(pending * p.transitionsPerExecution, dt) / p.transitionsPerExecution;
    pending = Math.max(0, pending - progressed);
    processed += progressed;
    peakConcurrency = Math.max(peakConcurrency, (progressed / dt) * durationS);
    peakProcess = Math.max(peakProcess, (progressed / dt) * (p.processMs / 1_000));
    series?.record(now, dt, [
      waiting,
      progressed / dt,
      (progressed / dt) * durationS,
      (progressed / dt) * (p.processMs / 1_000),
    ]);

    const backlog = backlogNow();
    tick += ticks;
    if (canDrain && backlog <= DRAINED) {
      drainedAt = end;
      break;
    }
    if (end >= p.horizonSeconds) break;
  }

  const backlogAtEnd = backlogNow();
  if (drainedAt === null) {
    delayed += bus.countArrivedBy(end - p.delayedThresholdSeconds);
    for (const c of classes)
      if (c.age + durationS > p.delayedThresholdSeconds) delayed += c.timeline.population + c.carry;
    if (cappedAge + durationS > p.delayedThresholdSeconds) delayed += cappedPopulation();
  }
  return {
    mode: 'direct',
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
    throttledAttempts: throttled,
  };
}

/** Retry classes whose delay doubles below the cap, within the attempts allowed. */
function countDoubling(p: DirectBurstParams): number {
  let n = 0;
  for (let k = 1; k <= p.retryAttempts; k++) {
    if (p.retryBaseSeconds * 2 ** (k - 1) >= p.retryCapSeconds) break;
    n++;
  }
  return n;
}
