/**
 * Recommended settings for a target latency (arrival on the bus → processed, worst case in
 * steady state at the peak rate).
 *
 * Buffered: the largest batch (fewest requests, lowest cost) that fits the Step Functions input
 * and fills within the batching window at the peak rate, then the smallest MaxConcurrency that
 * fits batch fill + execution in half the target (the other half is left for cold starts and
 * retries; a smaller MaxConcurrency is gentler on downstream systems, a larger one only shortens
 * executions), while the pipe stays within 80 % of its concurrency quota. When nothing fits half
 * the target, the whole target is used. Reserved concurrency is the Little's-law demand at the
 * peak rate with 20 % headroom, never below MaxConcurrency.
 */
import { ASSUMPTIONS } from './assumptions.js';
import { batchGeometry, executionMs, mapConcurrency } from './batching.js';
import type { PlanInputs } from './inputs.js';
import type { RegionQuotas } from './quotas.js';

/** Reserved concurrency per function. */
export interface ReservedConcurrency {
  readonly validate: number;
  readonly process: number;
  readonly summarize: number;
  /** The account quota these reservations need (reservations + the 100 Lambda keeps unreserved). */
  readonly accountNeeded: number;
}

/** Settings recommended for the buffered topology. */
export interface BufferedRecommendation {
  readonly targetLatencyMs: number;
  /** Whether any setting meets the target latency within the pipe's concurrency. */
  readonly achievable: boolean;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  /** Worst-case latency with the recommended settings (ms). */
  readonly expectedLatencyMs: number;
  /** Pipe concurrency at the peak rate with the recommended settings. */
  readonly pipeConcurrency: number;
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

function reserved(
  validate: number,
  process: number,
  summarize: number,
  floor: number,
  unreserved: number,
): ReservedConcurrency {
  const v = reserve(validate);
  const p = reserve(process, floor);
  const s = reserve(summarize);
  return { validate: v, process: p, summarize: s, accountNeeded: v + p + s + unreserved };
}

/**
 * Recommended batch size, MaxConcurrency and reserved concurrency for the buffered topology.
 *
 * @example
 * recommendBuffered(resolvePlanInputs({ rate: 1000, targetLatencyMs: 2000 }), quotasForRegion('us-east-1')).maxConcurrency // 5
 */
export function recommendBuffered(inputs: PlanInputs, quotas: RegionQuotas): BufferedRecommendation {
  const rate = inputs.peakRate;
  const target = inputs.targetLatencyMs;
  const full = batchGeometry({ ...inputs, batchSize: quotas.pipes.sqsMaxBatchSize.value }, quotas, Infinity);
  const windowS = inputs.batchWindowMs / 1_000;
  const fillable = windowS > 0 ? Math.max(1, Math.floor(rate * windowS)) : quotas.sqs.messagesPerBatchRequest.value;
  const maxBatch = Math.max(1, Math.min(full.payloadLimit, quotas.pipes.sqsMaxBatchSize.value, fillable));
  const maxMap = mapConcurrency(0, quotas);
  const pipeBudget =
    Math.min(quotas.pipes.sqsPipeConcurrency.value, quotas.pipes.accountConcurrency.value) *
    ASSUMPTIONS.pipeUtilisationTarget.value;
  const fixedMs = inputs.validateMs + inputs.summarizeMs;

  const evaluate = (batch: number, map: number) => {
    const fillMs = windowS > 0 ? Math.min(inputs.batchWindowMs, (batch / rate) * 1_000) : 0;
    const execMs = executionMs(inputs, batch, map);
    return { latency: fillMs + execMs, pipe: (rate / batch) * (execMs / 1_000) };
  };

  const search = (budget: number): { batch: number; map: number } | null => {
    for (let batch = maxBatch; batch >= 1; batch--) {
      const fillMs = windowS > 0 ? Math.min(inputs.batchWindowMs, (batch / rate) * 1_000) : 0;
      const wavesAllowed = Math.floor((budget - fillMs - fixedMs) / inputs.processMs + 1e-9);
      if (wavesAllowed < 1) continue;
      for (let map = Math.min(maxMap, Math.ceil(batch / wavesAllowed)); map <= maxMap; map++) {
        const { latency, pipe } = evaluate(batch, map);
        if (latency <= budget + 1e-9 && pipe <= pipeBudget) return { batch, map };
      }
    }
    return null;
  };
  const chosen = search(target * ASSUMPTIONS.latencyBudget.value) ?? search(target);
  const achievable = chosen !== null;
  const pick = chosen ?? { batch: 1, map: 1 };
  const { latency, pipe } = evaluate(pick.batch, pick.map);
  const execPerS = rate / pick.batch;
  return {
    targetLatencyMs: target,
    achievable,
    batchSize: pick.batch,
    maxConcurrency: pick.map,
    expectedLatencyMs: latency,
    pipeConcurrency: pipe,
    reservedConcurrency: reserved(
      execPerS * (inputs.validateMs / 1_000),
      rate * (inputs.processMs / 1_000),
      execPerS * (inputs.summarizeMs / 1_000),
      pick.map,
      quotas.lambda.unreservedMinimum.value,
    ),
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
      0,
      1,
      quotas.lambda.unreservedMinimum.value,
    ),
  };
}
