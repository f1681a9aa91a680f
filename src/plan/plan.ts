/**
 * The capacity and cost plan: for each requested topology, the quota checks at the peak rate,
 * Lambda concurrency, latency, monthly cost, recommended settings, an optional burst simulation
 * and the verdicts. Pure: same inputs and prices, same report.
 */
import { ASSUMPTIONS } from './assumptions.js';
import type { BatchGeometry } from './batching.js';
import { bufferedCapacity } from './buffered.js';
import { simulateBurst } from './burst/index.js';
import type { BurstResult } from './burst/index.js';
import type { Check, LambdaConcurrency } from './capacity.js';
import { bufferedCost, costFloor, directCost } from './cost.js';
import type { CostEstimate, CostFloor, CostLine } from './cost.js';
import { directCapacity } from './direct.js';
import type { SourcedFigure } from './figure.js';
import type { Mode, PlanInputs } from './inputs.js';
import { DEFAULT_PRICES, PRICE_REGION, priceValues } from './prices.js';
import type { PriceTable } from './prices.js';
import { quotasForRegion } from './quotas.js';
import type { RegionQuotas } from './quotas.js';
import { recommendBuffered, recommendDirect } from './recommend.js';
import type { BufferedRecommendation, DirectRecommendation } from './recommend.js';
import { bufferedVerdicts, directVerdicts, reportNotes } from './verdicts.js';

/** The plan of one topology. */
export interface ModePlan {
  readonly mode: Mode;
  /** Every `limit` check holds at the peak rate. */
  readonly sustainable: boolean;
  /** The limit that fails first, or null. */
  readonly bottleneck: string | null;
  /** The limit that binds first as the rate grows. */
  readonly limitingFactor: string;
  /** The highest sustainable event rate (events/s). */
  readonly maxSustainableRate: number;
  /** Lambda concurrency at the peak rate, all functions of the pipeline. */
  readonly lambdaConcurrency: number;
  readonly lambdaConcurrencyByFunction: LambdaConcurrency;
  /** Worst-case steady-state latency at the peak rate (ms). */
  readonly latencyMs: number;
  readonly monthlyCostUsd: number;
  readonly costPerMillionEventsUsd: number;
  readonly monthlyEvents: number;
  readonly costBreakdown: readonly CostLine[];
  /** Cost per million events beside the floor, with and without the archive. */
  readonly costAgainstFloor: FloorComparison;
  readonly checks: readonly Check[];
  readonly recommendation: BufferedRecommendation | DirectRecommendation;
  /** Buffered only: batches at the peak rate. */
  readonly batching: BatchGeometry | null;
  readonly burst: BurstResult | null;
  readonly verdicts: readonly string[];
  readonly notes: readonly string[];
}

/**
 * A topology's cost per million events beside the cost floor: the ratio is what the design costs
 * per event over what no storage-first design can avoid.
 */
export interface FloorComparison {
  readonly floorPerMillionEventsUsd: number;
  /** As planned (the archive counted only when on). */
  readonly perMillionEventsUsd: number;
  readonly ratio: number;
  readonly withoutArchivePerMillionEventsUsd: number;
  readonly ratioWithoutArchive: number;
  /** What the EventBridge archive (replay) adds per million events, whether it is on or not. */
  readonly archivePerMillionEventsUsd: number;
  readonly ratioWithArchive: number;
  /** Whether the plan counts the archive (`--no-archive` turns it off). */
  readonly archive: boolean;
}

/** The whole plan. */
export interface PlanReport {
  readonly inputs: PlanInputs;
  /** The Region the prices are for. */
  readonly pricesRegion: string;
  readonly modes: readonly ModePlan[];
  /** Notes that apply to every topology. */
  readonly notes: readonly string[];
  /** The least any storage-first design pays for these events (partner bus ingestion + one SQS send each). */
  readonly costFloor: CostFloor;
  /** The quotas used, with sources. */
  readonly quotas: RegionQuotas;
  /** The prices used, with sources. */
  readonly prices: PriceTable;
  /** The model's own assumptions, with sources. */
  readonly assumptions: Readonly<Record<string, SourcedFigure>>;
}

/** Options of {@link planCapacity}. */
export interface PlanCapacityOptions {
  /** Prices to cost with (default: the built-in us-east-1 table). */
  readonly prices?: PriceTable;
  /** The Region `prices` are for (default us-east-1). */
  readonly pricesRegion?: string;
  /** Keep the burst simulations' quantities over time (`burst.series`), for charts. Default false. */
  readonly burstSeries?: boolean;
}

/**
 * Plans capacity and cost for `inputs` (see {@link resolvePlanInputs}).
 *
 * @example
 * const report = planCapacity(resolvePlanInputs({ rate: 2000 }));
 * report.modes.find((m) => m.mode === 'direct')?.bottleneck
 * // 'Step Functions Standard StartExecution refill (300/s in us-east-1)'
 */
export function planCapacity(inputs: PlanInputs, options: PlanCapacityOptions = {}): PlanReport {
  const quotas = quotasForRegion(inputs.region);
  const table = options.prices ?? DEFAULT_PRICES;
  const pricesRegion = options.pricesRegion ?? PRICE_REGION;
  const prices = priceValues(table);
  const buffered = bufferedCost(inputs, quotas, prices);
  const series = options.burstSeries ?? false;
  const floor = costFloor(inputs, prices);
  const modes = inputs.modes.map((mode) =>
    mode === 'buffered'
      ? planBuffered(inputs, quotas, buffered, floor, series)
      : planDirect(inputs, quotas, prices, inputs.modes.includes('buffered') ? buffered : null, floor, series),
  );
  return {
    inputs,
    pricesRegion,
    modes,
    notes: reportNotes(inputs, quotas, pricesRegion),
    costFloor: floor,
    quotas,
    prices: table,
    assumptions: ASSUMPTIONS,
  };
}

/** `cost` beside the floor (see {@link FloorComparison}). */
export function againstFloor(inputs: PlanInputs, cost: CostEstimate, floor: CostFloor): FloorComparison {
  const f = floor.perMillionEventsUsd;
  const withArchive = cost.perMillionWithoutArchiveUsd + cost.archivePerMillionUsd;
  return {
    floorPerMillionEventsUsd: f,
    perMillionEventsUsd: cost.perMillionEventsUsd,
    ratio: cost.perMillionEventsUsd / f,
    withoutArchivePerMillionEventsUsd: cost.perMillionWithoutArchiveUsd,
    ratioWithoutArchive: cost.perMillionWithoutArchiveUsd / f,
    archivePerMillionEventsUsd: cost.archivePerMillionUsd,
    ratioWithArchive: withArchive / f,
    archive: inputs.archive,
  };
}

function costFields(
  inputs: PlanInputs,
  cost: CostEstimate,
  floor: CostFloor,
): Pick<
  ModePlan,
  'monthlyCostUsd' | 'costPerMillionEventsUsd' | 'monthlyEvents' | 'costBreakdown' | 'costAgainstFloor'
> {
  return {
    monthlyCostUsd: cost.monthlyUsd,
    costPerMillionEventsUsd: cost.perMillionEventsUsd,
    monthlyEvents: cost.monthlyEvents,
    costBreakdown: cost.lines,
    costAgainstFloor: againstFloor(inputs, cost, floor),
  };
}

function planBuffered(
  inputs: PlanInputs,
  quotas: RegionQuotas,
  cost: CostEstimate,
  floor: CostFloor,
  series: boolean,
): ModePlan {
  const cap = bufferedCapacity(inputs, quotas);
  const rec = recommendBuffered(inputs, quotas);
  const burst = inputs.burst === null ? null : simulateBurst(inputs, quotas, 'buffered', inputs.burst, { series });
  const { verdicts, notes } = bufferedVerdicts(inputs, quotas, cap, rec, cost, burst);
  return {
    mode: 'buffered',
    sustainable: cap.sustainable,
    bottleneck: cap.bottleneck,
    limitingFactor: cap.limitingFactor,
    maxSustainableRate: cap.maxSustainableRate,
    lambdaConcurrency: cap.lambdaConcurrency.total,
    lambdaConcurrencyByFunction: cap.lambdaConcurrency,
    latencyMs: cap.latencyMs,
    ...costFields(inputs, cost, floor),
    checks: cap.checks,
    recommendation: rec,
    batching: cap.geometry,
    burst,
    verdicts,
    notes,
  };
}

function planDirect(
  inputs: PlanInputs,
  quotas: RegionQuotas,
  prices: ReturnType<typeof priceValues>,
  buffered: CostEstimate | null,
  floor: CostFloor,
  series: boolean,
): ModePlan {
  const cap = directCapacity(inputs, quotas);
  const rec = recommendDirect(inputs, quotas);
  const cost = directCost(inputs, prices);
  const burst = inputs.burst === null ? null : simulateBurst(inputs, quotas, 'direct', inputs.burst, { series });
  const { verdicts, notes } = directVerdicts(inputs, quotas, cap, rec, cost, buffered, burst);
  return {
    mode: 'direct',
    sustainable: cap.sustainable,
    bottleneck: cap.bottleneck,
    limitingFactor: cap.limitingFactor,
    maxSustainableRate: cap.maxSustainableRate,
    lambdaConcurrency: cap.lambdaConcurrency.total,
    lambdaConcurrencyByFunction: cap.lambdaConcurrency,
    latencyMs: cap.latencyMs,
    ...costFields(inputs, cost, floor),
    checks: cap.checks,
    recommendation: rec,
    batching: null,
    burst,
    verdicts,
    notes,
  };
}
