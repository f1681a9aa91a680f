/**
 * Builds the burst simulations' parameters from planner inputs and Region quotas, and runs the
 * simulation of one topology.
 */
import { ASSUMPTIONS, eventBridgeRetryCapSeconds } from '../assumptions.js';
import { batchGeometry } from '../batching.js';
import type { Mode, PlanInputs } from '../inputs.js';
import type { RegionQuotas } from '../quotas.js';
import { simulateBufferedBurst } from './buffered-burst.js';
import type { BufferedBurstParams } from './buffered-burst.js';
import { roundResult } from './burst-result.js';
import type { BurstResult } from './burst-result.js';
import { BURST_LINES, SeriesRecorder } from './burst-series.js';
import type { BurstBound } from './burst-series.js';
import { simulateDirectBurst } from './direct-burst.js';
import type { DirectBurstParams } from './direct-burst.js';

/** Parameters of the buffered simulation for `burst` events on top of `inputs.rate`. */
export function bufferedBurstParams(inputs: PlanInputs, quotas: RegionQuotas, burst: number): BufferedBurstParams {
  const full = batchGeometry(inputs, quotas, Infinity);
  const base = batchGeometry(inputs, quotas, inputs.rate);
  const retention = quotas.sqs.retentionSeconds.value;
  return {
    baseRate: inputs.rate,
    burst,
    invocationsPerSecond: quotas.eventBridge.invocationsPerSecond.value,
    batch: full.batch,
    starterMs: full.starterMs,
    eventsPerExecution: full.eventsPerExecution,
    validateMs: inputs.validateMs,
    processMs: inputs.processMs,
    summarizeMs: inputs.summarizeMs,
    baseBatchesInFlight: base.batchesPerSecond * (base.starterMs / 1_000),
    initialBatches: quotas.eventSourceMapping.initialConcurrency.value,
    scaleUpPerSecond: quotas.eventSourceMapping.scaleUpPerMinute.value / 60,
    eventSourceConcurrency: inputs.eventSourceConcurrency,
    inFlightLimit: quotas.sqs.inFlightMessages.value,
    expressStartsPerSecond: quotas.stepFunctions.expressStartExecution.refillPerSecond.value,
    // The bound holds by construction; a smaller reservation (or account) throttles within it.
    processConcurrencyLimit: Math.min(
      inputs.maxProcessorConcurrency,
      inputs.reservedConcurrency ?? inputs.accountConcurrency,
    ),
    retentionSeconds: retention,
    delayedThresholdSeconds: ASSUMPTIONS.delayedThresholdSeconds.value,
    horizonSeconds: retention + 86_400,
  };
}

/** Parameters of the direct simulation for `burst` events on top of `inputs.rate`. */
export function directBurstParams(inputs: PlanInputs, quotas: RegionQuotas, burst: number): DirectBurstParams {
  const cap = eventBridgeRetryCapSeconds(
    quotas.eventBridge.retryAttempts.value,
    quotas.eventBridge.retryMaxAgeSeconds.value,
    ASSUMPTIONS.retryBaseDelaySeconds.value,
  );
  return {
    baseRate: inputs.rate,
    burst,
    invocationsPerSecond: quotas.eventBridge.invocationsPerSecond.value,
    startBucket: quotas.stepFunctions.standardStartExecution.bucket.value,
    startRefillPerSecond: quotas.stepFunctions.standardStartExecution.refillPerSecond.value,
    transitionBucket: quotas.stepFunctions.standardStateTransitions.bucket.value,
    transitionRefillPerSecond: quotas.stepFunctions.standardStateTransitions.refillPerSecond.value,
    transitionsPerExecution: ASSUMPTIONS.directStateTransitions.value,
    validateMs: inputs.validateMs,
    processMs: inputs.processMs,
    retryAttempts: inputs.retryAttempts,
    retryMaxAgeSeconds: inputs.retryMaxAgeSeconds,
    retryBaseSeconds: ASSUMPTIONS.retryBaseDelaySeconds.value,
    retryCapSeconds: cap,
    delayedThresholdSeconds: ASSUMPTIONS.delayedThresholdSeconds.value,
    horizonSeconds: inputs.retryMaxAgeSeconds + 2 * cap + 600,
  };
}

/** The concurrency limits a burst runs into, drawn on its concurrency chart. */
function concurrencyBounds(inputs: PlanInputs, mode: Mode): BurstBound[] {
  const bound: BurstBound[] =
    mode === 'buffered'
      ? [
          {
            label: 'The bound E × M (Process at once)',
            unit: 'concurrent executions',
            value: inputs.maxProcessorConcurrency,
          },
        ]
      : [];
  return [
    ...bound,
    inputs.reservedConcurrency === null
      ? { label: 'Account Lambda concurrency quota', unit: 'concurrent executions', value: inputs.accountConcurrency }
      : { label: 'Process reserved concurrency', unit: 'concurrent executions', value: inputs.reservedConcurrency },
  ];
}

/**
 * Simulates `burst` events on top of `inputs.rate` for `mode`; counts are rounded to whole events.
 * With `series: true` the result carries the quantities over time (`series`, for charts).
 *
 * @example
 * simulateBurst(resolvePlanInputs({ rate: 100 }), quotasForRegion('us-east-1'), 'direct', 5000).timeToDrainSeconds
 */
export function simulateBurst(
  inputs: PlanInputs,
  quotas: RegionQuotas,
  mode: Mode,
  burst: number,
  options: { series?: boolean } = {},
): BurstResult {
  const recorder = options.series ? new SeriesRecorder(BURST_LINES) : undefined;
  const raw =
    mode === 'buffered'
      ? simulateBufferedBurst(bufferedBurstParams(inputs, quotas, burst), recorder)
      : simulateDirectBurst(directBurstParams(inputs, quotas, burst), recorder);
  const result = roundResult(raw);
  return recorder ? { ...result, series: recorder.finish(concurrencyBounds(inputs, mode)) } : result;
}
