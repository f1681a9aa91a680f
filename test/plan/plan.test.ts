/** The whole plan: verdicts a user can act on, notes, and the two output formats. */
import { describe, expect, it } from 'vitest';
import { textTable } from '../../src/plan/format.js';
import { formatPlanJson, formatPlanText, planCapacity, resolvePlanInputs } from '../../src/plan/index.js';
import type { ModePlan } from '../../src/plan/index.js';

function mode(plan: ReturnType<typeof planCapacity>, name: 'buffered' | 'direct'): ModePlan {
  const found = plan.modes.find((m) => m.mode === name);
  if (!found) throw new Error(`no ${name} in the plan`);
  return found;
}

describe('planCapacity', () => {
  const plan = planCapacity(resolvePlanInputs({ rate: 2_000, burst: 10_000, maxProcessorConcurrency: 40_000 }));

  it('explains why direct mode fails at 2,000 events/s and what EventBridge then does', () => {
    const direct = mode(plan, 'direct');
    expect(direct.sustainable).toBe(false);
    expect(direct.verdicts[0]).toBe(
      'direct mode at 2,000 events/s exceeds the Step Functions Standard StartExecution refill (300/s in us-east-1): 2,000 vs 300 executions/s. ' +
        'StartExecution is throttled beyond a burst of 1,300; EventBridge retries throttled StartExecution calls with backoff for up to 185 retries / 24 h, then drops the event unless the target has a DLQ.',
    );
    expect(direct.verdicts).toContain(
      'Above 300 events/s in us-east-1, use buffered mode, or ask AWS to raise the Standard StartExecution and StateTransition quotas to at least 2,000 executions/s and 6,000 transitions/s.',
    );
    expect(direct.burst?.timeToDrainSeconds).toBeNull(); // 2,000/s never drains at 300/s
  });

  it('says the buffered design holds, which limit comes first, and what to set', () => {
    const buffered = mode(plan, 'buffered');
    expect(buffered.sustainable).toBe(true);
    expect(buffered.bottleneck).toBeNull();
    expect(buffered.verdicts[0]).toBe(
      'buffered mode sustains 2,000 events/s in us-east-1: the first limit is the Lambda account concurrency (1,000) at 17,483 events/s (8.7× the peak).',
    );
    // One write request per conversation event: 2,000 writes/s, within what a new on-demand table sustains.
    expect(buffered.verdicts.some((v) => v.startsWith('At peak the table takes'))).toBe(false);
    expect(
      buffered.verdicts.some((v) =>
        v.startsWith(
          "Process concurrency at peak ≈ 100 (Little's law: 2,000 events/s × 50 ms), never above the bound E × M = 1,000 × 40 = 40,000 at any backlog",
        ),
      ),
    ).toBe(true);
    expect(
      buffered.verdicts.some((v) =>
        /^For a worst-case latency of 5 s at 2,000 events\/s: maxProcessorConcurrency [\d,]+ \(E = \d+ batches × a Map of M = \d+/.test(
          v,
        ),
      ),
    ).toBe(true);
    expect(buffered.burst?.timeToDrainSeconds).not.toBeNull();
    expect(buffered.lambdaConcurrency).toBeCloseTo(buffered.lambdaConcurrencyByFunction.total, 12);
  });

  it('notes that prices are us-east-1 when planning another Region', () => {
    const elsewhere = planCapacity(resolvePlanInputs({ rate: 100, region: 'ap-southeast-2', modes: ['direct'] }));
    expect(elsewhere.notes[0]).toBe(
      "Costs use us-east-1 prices; prices in ap-southeast-2 differ — pass --prices FILE with that Region's figures.",
    );
    expect(elsewhere.modes.map((m) => m.mode)).toEqual(['direct']);
  });

  it('is a pure function of its inputs', () => {
    expect(planCapacity(resolvePlanInputs({ rate: 2_000, burst: 10_000, maxProcessorConcurrency: 40_000 }))).toEqual(
      plan,
    );
  });
});

describe('output formats', () => {
  it('renders JSON with float noise trimmed and non-finite numbers as null', () => {
    const report = planCapacity(resolvePlanInputs({ rate: 500, modes: ['buffered'] }));
    const json = JSON.parse(formatPlanJson(report)) as {
      modes: { checks: { id: string; maxEventRate: number | null }[]; lambdaConcurrency: number }[];
    };
    const duration = json.modes[0]!.checks.find((c) => c.id === 'stepFunctions.expressDuration');
    expect(duration?.maxEventRate).toBeNull(); // a configuration check, not a rate
    const inFlight = json.modes[0]!.checks.find((c) => c.id === 'sqs.inFlight');
    expect(String(inFlight?.maxEventRate).length).toBeLessThanOrEqual(12);
    expect(String(json.modes[0]!.lambdaConcurrency).length).toBeLessThanOrEqual(12);
  });

  it('renders text with a summary table and every verdict', () => {
    const report = planCapacity(resolvePlanInputs({ rate: 2_000 }));
    const text = formatPlanText(report);
    expect(text.split('\n')[0]).toBe('Capacity and cost plan — 2,000 events/s average, 2,000 events/s peak, us-east-1');
    for (const m of report.modes)
      for (const v of m.verdicts) expect(text.replace(/\s+/g, ' ')).toContain(v.replace(/\s+/g, ' '));
  });

  it('aligns table columns', () => {
    expect(
      textTable(
        [
          ['a', '1'],
          ['long name', '22'],
        ],
        [false, true],
      ),
    ).toEqual(['a           1', 'long name  22']);
  });
});
