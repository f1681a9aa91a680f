/**
 * What the plan page (`plan --html`) shows, built from one or more plans — one per combination
 * of `--batch-size` and `--max-concurrency` — as plain data the page's script draws: per
 * topology, each distinct result (settings that give the same plan are merged), its summary
 * figures, its burst series, its cost breakdown and its verdicts. Pure.
 *
 * Nothing here knows which topologies, lines or bounds exist: it passes on whatever the plans
 * contain, so the page follows the model when it changes.
 */
import type { BurstBound, BurstSeriesUnit } from '../burst/index.js';
import type { PlanReport } from '../plan.js';
import type { PriceId } from '../prices.js';
import { duration, num, usd } from '../verdicts.js';

/** One plan of the comparison and the settings it was made with. */
export interface PlanVariant {
  readonly batchSize: number;
  readonly maxConcurrency: number;
  readonly report: PlanReport;
}

/** A line of a chart: one quantity of one result. */
export interface PageLine {
  readonly id: string;
  readonly label: string;
  readonly unit: BurstSeriesUnit;
  readonly values: readonly number[];
}

/** One distinct result of a topology. */
export interface PageResult {
  /** The settings that give it, e.g. "batch size 100 · MaxConcurrency 10". */
  readonly label: string;
  /** Summary figures, formatted as the text plan formats them: [name, value]. */
  readonly figures: ReadonlyArray<readonly [string, string]>;
  readonly sustainable: boolean;
  readonly monthlyCostUsd: number;
  readonly costBreakdown: ReadonlyArray<{ readonly component: string; readonly monthlyUsd: number }>;
  /** The burst simulation, when the plan has one. */
  readonly burst: {
    readonly peakBacklog: number;
    readonly peakLambdaConcurrency: number;
    readonly timeToDrainSeconds: number | null;
    readonly t: readonly number[];
    readonly lines: readonly PageLine[];
    readonly bounds: readonly BurstBound[];
  } | null;
  /** The verdicts; several lists when settings giving the same figures are judged differently (e.g. against another topology's cost). */
  readonly verdicts: ReadonlyArray<{ readonly label: string; readonly verdicts: readonly string[] }>;
}

/** One topology (`buffered`, `direct`, …) and its distinct results. */
export interface PageTopology {
  readonly mode: string;
  readonly results: readonly PageResult[];
}

/** Everything the page shows. */
export interface PlanPageModel {
  readonly title: string;
  /** What was simulated and compared, in a sentence or two. */
  readonly subtitle: string;
  readonly pricesRegion: string;
  readonly costFloor: {
    readonly monthlyUsd: number;
    readonly perMillionEventsUsd: number;
    readonly text: string;
  };
  readonly topologies: readonly PageTopology[];
  /** The prices used, with their sources. */
  readonly prices: ReadonlyArray<{
    readonly id: PriceId;
    readonly value: number;
    readonly unit: string;
    readonly source: string;
    readonly checked: string;
    readonly inFloor: boolean;
  }>;
}

/** Series values kept to 4 significant digits: the charts need no more, and the file stays small. */
const compact = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(4)) : 0);
/** Money to the cent, as the text plan shows it. */
const cents = (usd: number): number => Math.round(usd * 100) / 100;

function settingsLabel(variants: readonly PlanVariant[]): string {
  const distinct = (f: (v: PlanVariant) => number): string =>
    [...new Set(variants.map(f))]
      .sort((a, b) => a - b)
      .map((n) => num(n))
      .join(', ');
  return `batch size ${distinct((v) => v.batchSize)} · MaxConcurrency ${distinct((v) => v.maxConcurrency)}`;
}

/**
 * The page's data for `variants` (at least one; all with the same rate, Region and burst).
 *
 * @example
 * const model = planPageModel([{ batchSize: 100, maxConcurrency: 10, report: planCapacity(inputs, { burstSeries: true }) }]);
 */
export function planPageModel(variants: readonly PlanVariant[]): PlanPageModel {
  const first = variants[0];
  if (!first) throw new RangeError('planPageModel: give at least one plan.');
  const report = first.report;
  const i = report.inputs;
  const modes = [...new Set(variants.flatMap((v) => v.report.modes.map((m) => m.mode)))];
  const topologies = modes.map((mode): PageTopology => {
    // Settings that give the same plan of this topology are one result (e.g. the direct
    // topology does not depend on the batch size); its verdicts may still differ, as they
    // compare with the other topology.
    type Plan = PlanReport['modes'][number];
    const groups = new Map<string, { variants: PlanVariant[]; plan: Plan; verdicts: Map<string, PlanVariant[]> }>();
    for (const variant of variants) {
      const plan = variant.report.modes.find((m) => m.mode === mode);
      if (!plan) continue;
      const { verdicts: _verdicts, notes: _notes, ...figures } = plan;
      const key = JSON.stringify(figures);
      const group = groups.get(key) ?? { variants: [], plan, verdicts: new Map<string, PlanVariant[]>() };
      groups.set(key, group);
      group.variants.push(variant);
      const verdictKey = JSON.stringify(plan.verdicts);
      group.verdicts.set(verdictKey, [...(group.verdicts.get(verdictKey) ?? []), variant]);
    }
    return {
      mode,
      results: [...groups.values()].map(({ variants: same, plan, verdicts }): PageResult => {
        const b = plan.burst;
        const figures: Array<[string, string]> = [
          ['Sustainable at peak', plan.sustainable ? 'yes' : 'NO'],
          ['Bottleneck', plan.bottleneck ?? '—'],
          ['Lambda concurrency (peak rate)', num(plan.lambdaConcurrency, 1)],
          ['Latency (worst, steady)', duration(plan.latencyMs)],
          ['Monthly cost', usd(plan.monthlyCostUsd)],
          ['Cost per million events', usd(plan.costPerMillionEventsUsd)],
        ];
        if (b) {
          figures.push(
            [
              'Time to drain the burst',
              b.timeToDrainSeconds === null ? 'never (within the horizon)' : duration(b.timeToDrainSeconds * 1_000),
            ],
            ['Peak backlog', num(b.peakBacklog)],
            ['Peak Lambda concurrency', num(b.peakLambdaConcurrency)],
            ['Delayed > 1 min', num(b.delayedOverOneMinute)],
            ['At risk of being dropped', num(b.atRiskOfDrop)],
          );
        }
        return {
          label: `${settingsLabel(same)}${same.length > 1 ? ' (same result)' : ''}`,
          figures,
          sustainable: plan.sustainable,
          monthlyCostUsd: cents(plan.monthlyCostUsd),
          costBreakdown: plan.costBreakdown.map((l) => ({ component: l.component, monthlyUsd: cents(l.monthlyUsd) })),
          burst:
            b && b.series
              ? {
                  peakBacklog: b.peakBacklog,
                  peakLambdaConcurrency: b.peakLambdaConcurrency,
                  timeToDrainSeconds: b.timeToDrainSeconds,
                  t: b.series.t.map(compact),
                  lines: b.series.lines.map((l) => ({ ...l, values: l.values.map(compact) })),
                  bounds: b.series.bounds,
                }
              : null,
          verdicts: [...verdicts].map(([key, by]) => ({
            label: settingsLabel(by),
            verdicts: JSON.parse(key) as string[],
          })),
        };
      }),
    };
  });
  const floor = report.costFloor;
  const inFloor = new Set<PriceId>(floor.priceIds);
  const compared = variants.length > 1 ? ` Settings compared: ${settingsLabel(variants)}.` : '';
  return {
    title: `Capacity and cost plan — ${num(i.rate)} events/s average, ${num(i.peakRate)} events/s peak, ${i.region}`,
    subtitle:
      (i.burst === null
        ? 'No burst simulated (add --burst N to see one over time).'
        : `Burst of ${num(i.burst)} events arriving at once on top of ${num(i.rate)} events/s.`) + compared,
    pricesRegion: report.pricesRegion,
    costFloor: {
      monthlyUsd: cents(floor.monthlyUsd),
      perMillionEventsUsd: floor.perMillionEventsUsd,
      text: `Cost floor ${usd(floor.monthlyUsd)} a month (${usd(floor.perMillionEventsUsd)} per million events): EventBridge partner ingestion and one SQS send per event — what any storage-first design pays before processing anything.`,
    },
    topologies,
    prices: Object.entries(report.prices).map(([id, f]) => ({
      id: id as PriceId,
      value: f.value,
      unit: f.unit,
      source: f.source,
      checked: f.checked,
      inFloor: inFloor.has(id as PriceId),
    })),
  };
}
