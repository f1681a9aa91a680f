/**
 * `genesys-pipeline plan` as a user runs it: a child process of the real CLI, reading its
 * output (table and JSON), its errors and its exit status.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

function plan(args: string[]): Promise<CliRun> {
  return runCli(['plan', ...args]);
}

interface JsonPlan {
  inputs: Record<string, unknown>;
  pricesRegion: string;
  modes: {
    mode: string;
    sustainable: boolean;
    bottleneck: string | null;
    lambdaConcurrency: number;
    monthlyCostUsd: number;
    costPerMillionEventsUsd: number;
    verdicts: string[];
    costBreakdown: { priceId: string; monthlyUsd: number }[];
    burst: { timeToDrainSeconds: number | null; atRiskOfDrop: number } | null;
  }[];
}

describe('genesys-pipeline plan', () => {
  it('prints a readable comparison and the reason direct mode fails at 2,000 events/s', async () => {
    const run = await plan(['--rate', '2000', '--max-processor-concurrency', '1000']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const summary = run.stdout.split('\n').find((l) => l.startsWith('Sustainable at peak'));
    expect(summary).toMatch(/^Sustainable at peak\s+yes\s+NO$/);
    const prose = run.stdout.replace(/\s+/g, ' '); // verdicts are wrapped at 100 columns
    expect(prose).toContain(
      'direct mode at 2,000 events/s exceeds the Step Functions Standard StartExecution refill (300/s in us-east-1)',
    );
    expect(prose).toContain('then drops the event unless the target has a DLQ');
    expect(run.stdout).toMatch(/buffered — monthly cost \(us-east-1 prices\)/);
    expect(run.stdout).toMatch(/ {2}total\s+\$\d{2},\d{3}\.\d\d/);
    // The bound, exactly, and what to set.
    expect(prose).toContain('never above the bound E × M = 25 × 40 = 1,000 at any backlog');
    expect(prose).toMatch(
      /For a worst-case latency of 5 s at 2,000 events\/s: maxProcessorConcurrency [\d,]+ \(E = \d+ batches × a Map of M = \d+/,
    );
  });

  it('prints JSON a machine can read', async () => {
    const run = await plan([
      '--rate',
      '200',
      '--peak-rate',
      '400',
      '--region',
      'eu-west-2',
      '--burst',
      '20000',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as JsonPlan;
    expect(json.inputs).toMatchObject({ rate: 200, peakRate: 400, region: 'eu-west-2', burst: 20_000 });
    expect(json.modes.map((m) => m.mode)).toEqual(['buffered', 'direct']);
    const [buffered, direct] = json.modes;
    expect(buffered).toMatchObject({ mode: 'buffered', sustainable: true, bottleneck: null });
    expect(direct).toMatchObject({
      mode: 'direct',
      sustainable: false,
      bottleneck: 'Step Functions Standard StartExecution refill (150/s in eu-west-2)',
    });
    for (const m of json.modes) {
      expect(typeof m.lambdaConcurrency).toBe('number');
      expect(m.monthlyCostUsd).toBeGreaterThan(0);
      expect(m.costPerMillionEventsUsd).toBeCloseTo(m.monthlyCostUsd / ((200 * 2_592_000) / 1e6), 6);
      expect(m.verdicts.length).toBeGreaterThan(0);
      expect(m.burst).not.toBeNull();
    }
    expect(buffered!.burst!.timeToDrainSeconds).not.toBeNull();
    expect(direct!.burst!.timeToDrainSeconds).toBeNull(); // 200/s base > 150/s refill
  });

  it('applies a prices file', async () => {
    const dir = tempDir('gep-plan-');
    const file = join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ region: 'eu-west-2', lambdaRequestsPerMillion: 0.4 }));
    const base = JSON.parse(
      (await plan(['--rate', '100', '--region', 'eu-west-2', '--mode', 'direct', '--json'])).stdout,
    ) as JsonPlan;
    const run = await plan(['--rate', '100', '--region', 'eu-west-2', '--mode', 'direct', '--prices', file, '--json']);
    expect(run.code).toBe(0);
    const priced = JSON.parse(run.stdout) as JsonPlan;
    expect(priced.pricesRegion).toBe('eu-west-2');
    const lambda = (p: JsonPlan): number =>
      p.modes[0]!.costBreakdown.find((l) => l.priceId === 'lambdaRequestsPerMillion')!.monthlyUsd;
    expect(lambda(base)).toBeCloseTo(103.68, 6); // 2 × 259.2M invocations × $0.20 per million
    expect(lambda(priced)).toBeCloseTo(207.36, 6);
  });

  it('rejects bad input with a clear message and exit status 1', async () => {
    const window = await plan(['--rate', '100', '--batch-window-ms', '250']);
    expect(window.code).toBe(1);
    expect(window.stdout).toBe('');
    expect(window.stderr).toContain(
      "--batch-window-ms: 250 ms cannot be configured: an event source mapping's MaximumBatchingWindowInSeconds is a whole number of seconds",
    );

    const rate = await plan(['--rate', 'lots']);
    expect(rate.code).toBe(1);
    expect(rate.stderr).toContain("option '--rate <events/s>' argument 'lots' is invalid. expected a number ≥ 0");

    const missing = await plan([]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--rate <events/s>' not specified");

    const dir = tempDir('gep-plan-');
    const file = join(dir, 'typo.json');
    writeFileSync(file, '{"lambdaGbSecond": 0.00001}');
    const typo = await plan(['--rate', '100', '--prices', file]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('unknown key "lambdaGbSecond"; valid keys are');

    const peak = await plan(['--rate', '100', '--peak-rate', '50']);
    expect(peak.code).toBe(1);
    expect(peak.stderr).toContain('--peak-rate: the peak rate (50/s) is below the average rate (100/s)');
  });
});
