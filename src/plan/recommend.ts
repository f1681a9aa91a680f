/**
 * Recommended settings for a target latency (arrival on the bus → processed, worst case in
 * steady state at the peak rate).
 *
 * Buffered: the bound E × M is the Little's-law demand of Process at the peak rate with room to
 * spare (the peak uses at most 80 % of it), raised to the nearest number that splits into a Map
 * of at least 10 (or half the bound), split as the construct does (the largest M ≤ 40). The batch
 * is the largest that fits an Express execution's 5 minutes at worst — the same check the
 * construct makes at synth — and the 6 MB invocation, and fills within the batching window at
 * the peak rate; it shrinks while batch fill + the starter's executions exceed half the target
 * (the other half is left for cold starts and retries), or the whole target when nothing fits
 * half. Reserving exactly the bound: E × M on Process, E on each per-batch function.
 */
import { ASSUMPTIONS } from './assumptions.js';
import { batchGeometry } from './batching.js';
import type { PlanInputs } from './inputs.js';
import type { RegionQuotas } from './quotas.js';
import { factorBound } from '../workflow/concurrency-bound.js';
import { maxEventsWithinBudget } from '../workflow/time-budget.js';

/** Reserved concurrency per function. */
export interface ReservedConcurrency {
  readonly validate: number;
  readonly process: number;
  readonly summarize: number;
  /** The batch starter (buffered mode). */
  readonly starter: number;
  /** The account quota these reservations need (reservations + the 100 Lambda keeps unreserved). */
  readonly accountNeeded: number;
}

/** Settings recommended for the buffered topology. */
export interface BufferedRecommendation {
  readonly targetLatencyMs: number;
  /** Whether any setting meets the target latency. */
  readonly achievable: boolean;
  /** The bound E × M. */
  readonly maxProcessorConcurrency: number;
  /** E. */
  readonly eventSourceConcurrency: number;
  /** M. */
  readonly maxConcurrency: number;
  readonly batchSize: number;
  /** Worst-case steady-state latency with the recommended settings (ms). */
  readonly expectedLatencyMs: number;
  /** Batches in flight at the peak rate with the recommended settings (at most E). */
  readonly batchesInFlight: number;
  /** `reserveConcurrency: true`: exactly the bound. */
  readonly reservedConcurrency: ReservedConcurrency;
}

/** Settings recommended for the direct topology. */
export interface DirectRecommendation {
  readonly targetLatencyMs: number;
  readonly achievable: boolean;
  readonly expectedLatencyMs: number;
  readonly reservedConcurrency: ReservedConcurrency;
}

function reserve(demand: number, floor = 0): number {
  return demand > 0 ? Math.max(floor, Math.ceil(demand * ASSUMPTIONS.concurrencyHeadroom.value - 1e-9)) : 0;
}

/** The smallest bound ≥ `wanted` that splits into a Map of at least min(10, bound / 2), as E × M. */
export function recommendedBound(wanted: number): { bound: number; e: number; m: number } {
  for (let p = Math.max(2, Math.ceil(wanted - 1e-9)); ; p++) {
    const f = factorBound(p);
    if (f && f.maxConcurrency >= Math.min(10, p / 2))
      return { bound: p, e: f.eventSourceConcurrency, m: f.maxConcurrency };
  }
}

/**
 * Recommended bound, batch size and reservations for the buffered topology.
 *
 * @example
 * recommendBuffered(resolvePlanInputs({ rate: 1000 }), quotasForRegion('us-east-1')).maxProcessorConcurrency // 80 (2 × 40)
 */
export function recommendBuffered(inputs: PlanInputs, quotas: RegionQuotas): BufferedRecommendation {
  const rate = inputs.peakRate;
  const target = inputs.targetLatencyMs;
  const utilisation = ASSUMPTIONS.boundUtilisationTarget.value;
  const taskTimeoutSeconds = Math.ceil(inputs.functionTimeoutMs / 1_000) + 5;
  const windowS = inputs.batchWindowMs / 1_000;
  const fillable = windowS > 0 ? Math.max(1, Math.floor(rate * windowS)) : quotas.sqs.messagesPerBatchRequest.value;

  /** For one bound: the batch (largest within budget, payload, window and latency), its latency and batches in flight. */
  const attempt = (bound: number, e: number, m: number) => {
    const settings = (batch: number): PlanInputs => ({
      ...inputs,
      batchSize: batch,
      maxProcessorConcurrency: bound,
      eventSourceConcurrency: e,
      maxConcurrency: m,
    });
    const fitsBudget = maxEventsWithinBudget({ mode: 'buffered', maxConcurrency: m, taskTimeoutSeconds });
    const payloadLimit = batchGeometry(settings(1), quotas, Infinity).payloadLimit;
    const largest = Math.max(
      1,
      Math.min(fitsBudget, payloadLimit, fillable, quotas.eventSourceMapping.maxBatchSize.value),
    );
    const evaluate = (batch: number) => {
      const g = batchGeometry(settings(batch), quotas, rate);
      return { batch, latency: g.fillMs + g.starterMs, inFlight: g.batchesPerSecond * (g.starterMs / 1_000) };
    };
    const search = (budget: number) => {
      for (let batch = largest; batch >= 1; batch--) {
        const r = evaluate(batch);
        if (r.latency <= budget + 1e-9) return r;
      }
      return null;
    };
    const chosen = fitsBudget > 0 ? (search(target * ASSUMPTIONS.latencyBudget.value) ?? search(target)) : null;
    return { fits: chosen !== null, ...(chosen ?? evaluate(1)) };
  };

  // The bound: Process's Little's-law demand, and enough batches at once for the per-batch work
  // (Validate, ReportBatch, the start) — each with the peak at most 80 % of it.
  let choice = recommendedBound(Math.max(2, (rate * inputs.processMs) / 1_000 / utilisation));
  let result = attempt(choice.bound, choice.e, choice.m);
  while (result.inFlight > utilisation * choice.e && choice.bound < 40_000) {
    choice = recommendedBound(choice.bound + 1);
    result = attempt(choice.bound, choice.e, choice.m);
  }
  const { bound, e, m } = choice;
  return {
    targetLatencyMs: target,
    achievable: result.fits && result.inFlight <= e,
    maxProcessorConcurrency: bound,
    eventSourceConcurrency: e,
    maxConcurrency: m,
    batchSize: result.batch,
    expectedLatencyMs: result.latency,
    batchesInFlight: result.inFlight,
    reservedConcurrency: {
      validate: e,
      process: bound,
      summarize: inputs.summarizeMs > 0 ? e : 0,
      starter: e,
      accountNeeded: bound + e * (inputs.summarizeMs > 0 ? 3 : 2) + quotas.lambda.unreservedMinimum.value,
    },
  };
}

/** Recommended reserved concurrency for the direct topology, and whether it meets the target latency. */
export function recommendDirect(inputs: PlanInputs, quotas: RegionQuotas): DirectRecommendation {
  const rate = inputs.peakRate;
  const latency = inputs.validateMs + inputs.processMs;
  return {
    targetLatencyMs: inputs.targetLatencyMs,
    achievable: latency <= inputs.targetLatencyMs,
    expectedLatencyMs: latency,
    reservedConcurrency: reserved(
      rate * (inputs.validateMs / 1_000),
      rate * (inputs.processMs / 1_000),
      quotas.lambda.unreservedMinimum.value,
    ),
  };
}

function reserved(validate: number, process: number, unreserved: number): ReservedConcurrency {
  const v = reserve(validate);
  const p = reserve(process, 1);
  return { validate: v, process: p, summarize: 0, starter: 0, accountNeeded: v + p + unreserved };
}
