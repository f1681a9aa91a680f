/**
 * `genesys-event-pipeline/plan` — the capacity and cost planner: models the buffered and direct
 * topologies against AWS's documented quotas and prices, simulates bursts, and explains the
 * verdicts. Pure; the CLI (`plan`) reads files and prints.
 */
export { planCapacity } from './plan.js';
export type { ModePlan, PlanCapacityOptions, PlanReport } from './plan.js';
export { PLAN_DEFAULTS, resolvePlanInputs } from './inputs.js';
export type { PlanInputOptions, PlanInputs } from './inputs.js';
export { quotasForRegion } from './quotas.js';
export type { RegionQuotas, TokenBucketQuota } from './quotas.js';
export { DEFAULT_PRICES } from './prices.js';
export type { PriceId, PriceTable } from './prices.js';
export { applyPriceOverrides, parsePriceOverrides } from './price-overrides.js';
export type { PriceOverrides } from './price-overrides.js';
export type { SourcedFigure } from './figure.js';
export type { Check, LambdaConcurrency } from './capacity.js';
export type { CostFloor, CostLine } from './cost.js';
export type { BufferedRecommendation, DirectRecommendation, ReservedConcurrency } from './recommend.js';
export { simulateBurst } from './burst/index.js';
export type {
  BufferedBurstParams,
  BurstBound,
  BurstLine,
  BurstResult,
  BurstSeries,
  BurstSeriesUnit,
  DirectBurstParams,
} from './burst/index.js';
export { formatPlanJson, formatPlanText } from './format.js';
export { PlanError, PlanInputError, PriceFileError, PlanPageAssetsError } from './errors.js';
export { loadPlanPageAssets, planPageModel, renderPlanPage } from './html/index.js';
export type { PlanPageAssets, PlanPageModel, PlanVariant } from './html/index.js';
