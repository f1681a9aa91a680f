/**
 * Steady-state capacity of the direct topology (the tutorial's shape, fixed):
 * partner bus → rule → Step Functions Standard `StartExecution`, one execution per event:
 * Validate (Task) → CheckValid (Choice) → Process (Task).
 *
 * Every event is one `StartExecution` call, drawn from the account's Standard token bucket
 * (refill 300/s in us-east-1, us-west-2 and eu-west-1, 150/s elsewhere), and three state
 * transitions, drawn from the `StateTransition` bucket (refill 1,500/s or 500/s). Above the
 * lower of the two, EventBridge's StartExecution calls are throttled: EventBridge retries with
 * backoff for its retry window and then drops the event unless the target has a DLQ.
 */
import { ASSUMPTIONS } from './assumptions.js';
import { check, summarizeChecks } from './capacity.js';
import type { CapacityResult, Check } from './capacity.js';
import type { PlanInputs } from './inputs.js';
import type { RegionQuotas } from './quotas.js';
import { dynamodbChecks, lambdaChecks } from './shared-checks.js';

/** Capacity of the direct topology. */
export interface DirectCapacity extends CapacityResult {
  readonly mode: 'direct';
  /** State transitions per execution. */
  readonly transitionsPerExecution: number;
}

/**
 * Quota checks of the direct topology at `inputs.peakRate`.
 *
 * @example
 * directCapacity(resolvePlanInputs({ rate: 300 }), quotasForRegion('us-east-1')).sustainable // true
 * directCapacity(resolvePlanInputs({ rate: 301 }), quotasForRegion('us-east-1')).bottleneck
 * // 'Step Functions Standard StartExecution refill (300/s in us-east-1)'
 */
export function directCapacity(inputs: PlanInputs, quotas: RegionQuotas): DirectCapacity {
  const rate = inputs.peakRate;
  const transitions = ASSUMPTIONS.directStateTransitions.value;
  const start = quotas.stepFunctions.standardStartExecution;
  const stt = quotas.stepFunctions.standardStateTransitions;
  const retry = `EventBridge retries throttled StartExecution calls with backoff for up to ${inputs.retryAttempts} retries / ${formatAge(inputs.retryMaxAgeSeconds)}, then drops the event unless the target has a DLQ`;
  const validateS = inputs.validateMs / 1_000;
  const processS = inputs.processMs / 1_000;
  const validate = rate * validateS;
  const process = rate * processS;

  const checks: Check[] = [
    check({
      id: 'eventBridge.invocations',
      name: `EventBridge invocations quota (${quotas.region})`,
      demand: rate,
      limit: quotas.eventBridge.invocationsPerSecond.value,
      unit: 'invocations/s',
      kind: 'limit',
      maxEventRate: quotas.eventBridge.invocationsPerSecond.value,
      consequence: 'EventBridge delays invocations of the state machine; raise the quota',
      source: quotas.eventBridge.invocationsPerSecond.source,
    }),
    check({
      id: 'stepFunctions.standardStartExecution',
      name: `Step Functions Standard StartExecution refill (${start.refillPerSecond.value}/s in ${quotas.region})`,
      demand: rate,
      limit: start.refillPerSecond.value,
      unit: 'executions/s',
      kind: 'limit',
      maxEventRate: start.refillPerSecond.value,
      consequence: `StartExecution is throttled beyond a burst of ${start.bucket.value.toLocaleString('en-US')}; ${retry}`,
      source: start.refillPerSecond.source,
    }),
    check({
      id: 'stepFunctions.standardStateTransitions',
      name: `Step Functions Standard state transitions refill (${stt.refillPerSecond.value.toLocaleString('en-US')}/s in ${quotas.region})`,
      demand: rate * transitions,
      limit: stt.refillPerSecond.value,
      unit: 'transitions/s',
      kind: 'limit',
      maxEventRate: stt.refillPerSecond.value / transitions,
      consequence: 'executions are throttled (ExecutionThrottled) and fall behind; the backlog grows without bound',
      source: stt.refillPerSecond.source,
    }),
    ...lambdaChecks(inputs, quotas, { validate, process, summarize: 0 }, processS, validateS, 1),
    ...dynamodbChecks(inputs, quotas, rate),
  ];

  return {
    mode: 'direct',
    checks,
    ...summarizeChecks(checks),
    lambdaConcurrency: { validate, process, summarize: 0, starter: 0, total: validate + process },
    latencyMs: inputs.validateMs + inputs.processMs,
    transitionsPerExecution: transitions,
  };
}

function formatAge(seconds: number): string {
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
