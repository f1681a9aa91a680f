/**
 * Steady-state capacity: the quota checks of one topology at the peak rate, and what they add
 * up to (sustainable or not, which quota binds first, the highest sustainable rate).
 *
 * Each check compares a demand at the peak rate with a documented limit. Checks of kind `limit`
 * decide sustainability; checks of kind `warning` flag something to act on without making the
 * design unsustainable (e.g. a new DynamoDB table that must be pre-warmed).
 */
import type { Mode } from './inputs.js';

/** One quota or configuration check at the peak rate. */
export interface Check {
  /** Stable identifier, e.g. `stepFunctions.standardStartExecution`. */
  readonly id: string;
  /** What is checked, in words. */
  readonly name: string;
  /** Demand at the peak rate, in `unit`. */
  readonly demand: number;
  /** The limit, in `unit`. */
  readonly limit: number;
  readonly unit: string;
  /** demand ≤ limit. */
  readonly ok: boolean;
  /** `limit`: exceeding it makes the design unsustainable; `warning`: act on it, but it does not. */
  readonly kind: 'limit' | 'warning';
  /** The highest event rate (events/s) this check allows, when it bounds throughput. */
  readonly maxEventRate: number | null;
  /** What happens when the limit is exceeded. */
  readonly consequence: string;
  /** Where the limit comes from. */
  readonly source: string;
}

/** Lambda concurrency by function (Little's law: arrivals per second × duration). */
export interface LambdaConcurrency {
  readonly validate: number;
  readonly process: number;
  readonly summarize: number;
  /** The batch starter (buffered mode): busy for the whole of its batch's executions. */
  readonly starter: number;
  readonly total: number;
}

/** The steady-state capacity verdict of one topology. */
export interface CapacityResult {
  readonly mode: Mode;
  readonly checks: readonly Check[];
  /** Every `limit` check holds at the peak rate. */
  readonly sustainable: boolean;
  /** The failing limit with the lowest allowed rate (or the failing configuration), else null. */
  readonly bottleneck: string | null;
  /** The check that allows the lowest rate, whether or not it is exceeded. */
  readonly limitingFactor: string;
  /** The highest rate every rate-bounding `limit` check allows (events/s). */
  readonly maxSustainableRate: number;
  /** Lambda concurrency at the peak rate. */
  readonly lambdaConcurrency: LambdaConcurrency;
  /** Worst-case steady-state latency, arrival on the bus → processed (ms). */
  readonly latencyMs: number;
}

/** Builds a check; `ok` is derived from demand and limit. */
export function check(fields: Omit<Check, 'ok'>): Check {
  return { ...fields, ok: fields.demand <= fields.limit * (1 + 1e-12) };
}

/** Sustainability, bottleneck, limiting factor and highest sustainable rate of `checks`. */
export function summarizeChecks(
  checks: readonly Check[],
): Pick<CapacityResult, 'sustainable' | 'bottleneck' | 'limitingFactor' | 'maxSustainableRate'> {
  const limits = checks.filter((c) => c.kind === 'limit');
  const failing = limits.filter((c) => !c.ok);
  const bounding = limits.filter((c) => c.maxEventRate !== null);
  const byRate = (a: Check, b: Check): number => (a.maxEventRate ?? Infinity) - (b.maxEventRate ?? Infinity);
  const tightest = [...bounding].sort(byRate)[0];
  const configFailure = failing.find((c) => c.maxEventRate === null);
  const worst = configFailure ?? [...failing].sort(byRate)[0];
  const configBlocked = limits.some((c) => c.maxEventRate === null && !c.ok);
  return {
    sustainable: failing.length === 0,
    bottleneck: worst ? worst.name : null,
    limitingFactor: tightest ? tightest.name : 'none',
    maxSustainableRate: configBlocked ? 0 : (tightest?.maxEventRate ?? Infinity),
  };
}
