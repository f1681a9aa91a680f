/**
 * The burst simulations over time (for `plan --html`): the series carry the same peaks as the
 * simulation's summary, stay within a chart's worth of points whatever the horizon, and the page
 * model passes on every topology, line and bound the plans hold, merging settings with equal results.
 */
import { describe, expect, it } from 'vitest';
import {
  planCapacity,
  planPageModel,
  quotasForRegion,
  resolvePlanInputs,
  simulateBurst,
} from '../../src/plan/index.js';
import { MAX_SERIES_POINTS, SeriesRecorder } from '../../src/plan/burst/burst-series.js';

const quotas = quotasForRegion('us-east-1');

describe('burst series', () => {
  it('records backlog, drain and concurrency whose peaks are the reported ones, and the bound', () => {
    const inputs = resolvePlanInputs({ rate: 100, burst: 1_000_000 });
    for (const mode of ['buffered', 'direct'] as const) {
      const result = simulateBurst(inputs, quotas, mode, 1_000_000, { series: true });
      const series = result.series!;
      expect(series.lines.map((l) => [l.id, l.unit])).toEqual([
        ['backlog', 'events'],
        ['drain', 'events/s'],
        ['lambdaConcurrency', 'concurrent executions'],
        ['processConcurrency', 'concurrent executions'],
      ]);
      const line = (id: string): readonly number[] => series.lines.find((l) => l.id === id)!.values;
      expect(series.t.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
      for (const l of series.lines) expect(l.values.length).toBe(series.t.length);
      for (let i = 1; i < series.t.length; i++) expect(series.t[i]!).toBeGreaterThan(series.t[i - 1]!);
      expect(series.t[0]).toBe(0);
      expect(Math.round(Math.max(...line('backlog')))).toBe(result.peakBacklog);
      expect(Math.ceil(Math.max(...line('lambdaConcurrency')) - 1e-6)).toBe(result.peakLambdaConcurrency);
      expect(Math.ceil(Math.max(...line('processConcurrency')) - 1e-6)).toBe(result.peakProcessConcurrency);
      // The drain's area is the events processed: the mean keeps it through the thinning.
      let area = 0;
      for (let i = 0; i < series.t.length; i++)
        area += line('drain')[i]! * ((series.t[i + 1] ?? result.simulatedSeconds) - series.t[i]!);
      expect(Math.abs(area - result.processed) / result.processed).toBeLessThan(0.01);
      expect(series.bounds).toEqual([
        ...(mode === 'buffered'
          ? [{ label: 'The bound E × M (Process at once)', unit: 'concurrent executions', value: 100 }]
          : []),
        { label: 'Account Lambda concurrency quota', unit: 'concurrent executions', value: 1000 },
      ]);
    }
    // Without asking, no series (plans and --json stay as they were).
    expect(simulateBurst(inputs, quotas, 'buffered', 1_000_000).series).toBeUndefined();
  });

  it('thins a day-long simulation that never drains to a chart’s worth of points, peaks kept', () => {
    // 2,000 events/s against a reserved concurrency of 20 (400 events/s): no steady state.
    const inputs = resolvePlanInputs({ rate: 2000, burst: 10_000, reservedConcurrency: 20 });
    const result = simulateBurst(inputs, quotas, 'buffered', 10_000, { series: true });
    expect(result.timeToDrainSeconds).toBeNull();
    expect(result.steps).toBeGreaterThan(MAX_SERIES_POINTS * 10);
    const series = result.series!;
    expect(series.t.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(Math.round(Math.max(...series.lines[0]!.values))).toBe(result.peakBacklog);
    expect(series.bounds).toEqual([
      { label: 'The bound E × M (Process at once)', unit: 'concurrent executions', value: 100 },
      { label: 'Process reserved concurrency', unit: 'concurrent executions', value: 20 },
    ]);
  });

  it('merges steps by maximum or by length-weighted mean', () => {
    const recorder = new SeriesRecorder([
      { id: 'a', label: 'A', unit: 'events', aggregate: 'max' },
      { id: 'r', label: 'R', unit: 'events/s', aggregate: 'mean' },
    ]);
    const steps = MAX_SERIES_POINTS * 2;
    for (let i = 0; i < steps; i++) recorder.record(i, i % 2 === 0 ? 1 : 3, [i, i % 2 === 0 ? 10 : 20]);
    const series = recorder.finish([]);
    expect(series.t.length).toBe(MAX_SERIES_POINTS);
    expect(series.t.slice(0, 2)).toEqual([0, 2]);
    expect(series.lines[0]!.values.slice(0, 2)).toEqual([1, 3]);
    // (10 × 1 + 20 × 3) / 4
    expect(series.lines[1]!.values[0]).toBe(17.5);
  });
});

describe('plan page model', () => {
  it('has every topology, one result per distinct plan, and the floor with its prices', () => {
    const variants = [10, 100, 1000].map((batchSize) => ({
      batchSize,
      maxConcurrency: 10,
      report: planCapacity(resolvePlanInputs({ rate: 100, burst: 50_000, batchSize }), { burstSeries: true }),
    }));
    const model = planPageModel(variants);
    expect(model.topologies.map((t) => t.mode)).toEqual(['buffered', 'direct']);
    const [buffered, direct] = model.topologies;
    expect(buffered!.results.map((r) => r.label)).toEqual([
      'batch size 10 · MaxConcurrency 10',
      'batch size 100 · MaxConcurrency 10',
      'batch size 1,000 · MaxConcurrency 10',
    ]);
    // The direct topology ignores the batch size; its verdicts compare with each buffered cost.
    expect(direct!.results.map((r) => r.label)).toEqual([
      'batch size 10, 100, 1,000 · MaxConcurrency 10 (same result)',
    ]);
    expect(direct!.results[0]!.verdicts.length).toBeGreaterThan(1);
    const first = buffered!.results[0]!;
    expect(first.burst!.peakBacklog).toBe(variants[0]!.report.modes[0]!.burst!.peakBacklog);
    expect(first.figures).toContainEqual([
      'Peak backlog',
      variants[0]!.report.modes[0]!.burst!.peakBacklog.toLocaleString('en-US'),
    ]);
    expect(model.costFloor.perMillionEventsUsd).toBeCloseTo(1.4, 10);
    expect(model.costFloor.monthlyUsd).toBe(362.88);
    expect(model.prices.filter((p) => p.inFloor).map((p) => [p.id, p.value, p.source])).toEqual([
      ['eventBridgePartnerEventsPerMillion', 1, 'https://aws.amazon.com/eventbridge/pricing/'],
      ['sqsRequestsPerMillion', 0.4, 'https://aws.amazon.com/sqs/pricing/'],
    ]);
    expect(model.subtitle).toContain('Settings compared: batch size 10, 100, 1,000 · MaxConcurrency 10.');
  });

  it('passes on lines and bounds it does not know, and shows plans without a burst', () => {
    const report = planCapacity(resolvePlanInputs({ rate: 100, burst: 5_000 }), { burstSeries: true });
    const buffered = report.modes[0]!;
    const series = buffered.burst!.series!;
    const extended = {
      ...report,
      modes: [
        {
          ...buffered,
          burst: {
            ...buffered.burst!,
            series: {
              ...series,
              lines: [
                ...series.lines,
                {
                  id: 'starters',
                  label: 'Batch starters',
                  unit: 'concurrent executions' as const,
                  values: series.t.map(() => 3),
                },
              ],
              bounds: [...series.bounds, { label: 'Another bound', unit: 'concurrent executions' as const, value: 50 }],
            },
          },
        },
      ],
    };
    const model = planPageModel([{ batchSize: 100, maxConcurrency: 10, report: extended }]);
    const burst = model.topologies[0]!.results[0]!.burst!;
    expect(burst.lines.map((l) => l.label)).toContain('Batch starters');
    expect(burst.bounds.map((b) => b.label)).toEqual([
      'The bound E × M (Process at once)',
      'Account Lambda concurrency quota',
      'Another bound',
    ]);

    const plain = planPageModel([
      { batchSize: 100, maxConcurrency: 10, report: planCapacity(resolvePlanInputs({ rate: 100 })) },
    ]);
    expect(plain.topologies[0]!.results[0]!.burst).toBeNull();
    expect(plain.subtitle).toMatch(/^No burst simulated/);
  });
});
