/** `--prices` overrides: validation, application, and their effect on the plan. */
import { describe, expect, it } from 'vitest';
import {
  applyPriceOverrides,
  DEFAULT_PRICES,
  parsePriceOverrides,
  planCapacity,
  PriceFileError,
  resolvePlanInputs,
} from '../../src/plan/index.js';
import { PRICE_IDS } from '../../src/plan/prices.js';

function problemsOf(text: string): readonly string[] {
  try {
    parsePriceOverrides(text, 'prices.json');
  } catch (error) {
    if (error instanceof PriceFileError) return error.problems;
    throw error;
  }
  throw new Error('expected a PriceFileError');
}

describe('the built-in price table', () => {
  it('has every price with a pricing page and a check date', () => {
    for (const id of PRICE_IDS) {
      expect(DEFAULT_PRICES[id].value).toBeGreaterThan(0);
      expect(DEFAULT_PRICES[id].source).toMatch(/^https:\/\/aws\.amazon\.com\//);
      expect(DEFAULT_PRICES[id].checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe('parsePriceOverrides', () => {
  it('accepts numbers and sourced figures and keeps the units of the table', () => {
    const overrides = parsePriceOverrides(
      JSON.stringify({
        region: 'eu-west-1',
        comment: 'test',
        lambdaRequestsPerMillion: 0.25,
        sqsRequestsPerMillion: { value: 0.5, source: 'https://aws.amazon.com/sqs/pricing/', checked: '2026-11-01' },
      }),
      'prices.json',
    );
    expect(overrides.region).toBe('eu-west-1');
    const table = applyPriceOverrides(DEFAULT_PRICES, overrides);
    expect(table.lambdaRequestsPerMillion).toMatchObject({
      value: 0.25,
      source: '--prices prices.json',
      unit: DEFAULT_PRICES.lambdaRequestsPerMillion.unit,
    });
    expect(table.sqsRequestsPerMillion).toMatchObject({ value: 0.5, checked: '2026-11-01' });
    expect(table.lambdaArmGbSecond).toBe(DEFAULT_PRICES.lambdaArmGbSecond);
  });

  it('rejects an unknown key, naming it and listing the valid keys', () => {
    const [problem] = problemsOf('{"lambdaGbSecnd": 1}');
    expect(problem).toContain('unknown key "lambdaGbSecnd"');
    expect(problem).toContain('lambdaArmGbSecond');
  });

  it('rejects negative and non-numeric prices, naming the key', () => {
    expect(problemsOf('{"sqsRequestsPerMillion": -1}')[0]).toMatch(
      /^"sqsRequestsPerMillion": expected a price ≥ 0 in USD/,
    );
    expect(problemsOf('{"sqsRequestsPerMillion": "0.4"}')[0]).toMatch(/^"sqsRequestsPerMillion"/);
    expect(problemsOf('{"sqsRequestsPerMillion": {"value": 1, "checked": "yesterday"}}')[0]).toContain(
      'sqsRequestsPerMillion.checked',
    );
  });

  it('rejects text that is not a JSON object', () => {
    expect(problemsOf('{not json')[0]).toMatch(/^not valid JSON/);
    expect(problemsOf('[1, 2]')[0]).toMatch(/must be a JSON object/);
  });
});

describe('overrides in the plan', () => {
  it('change the cost of exactly the overridden component', () => {
    const inputs = resolvePlanInputs({ rate: 1_000, modes: ['buffered'] });
    const base = planCapacity(inputs).modes[0]!;
    const doubled = applyPriceOverrides(
      DEFAULT_PRICES,
      parsePriceOverrides('{"dynamodbWriteRequestUnitsPerMillion": 1.25}', 'p.json'),
    );
    const plan = planCapacity(inputs, { prices: doubled }).modes[0]!;
    const writes = (m: typeof base): number =>
      m.costBreakdown.find((l) => l.priceId === 'dynamodbWriteRequestUnitsPerMillion')!.monthlyUsd;
    // 2.592 billion events × 1 WRU (the conversation fact's conditional put) × $0.625 per million.
    expect(writes(base)).toBeCloseTo(1_620, 6);
    expect(writes(plan)).toBeCloseTo(3_240, 6);
    expect(plan.monthlyCostUsd - base.monthlyCostUsd).toBeCloseTo(1_620, 6);
  });

  it('say which Region the prices are for', () => {
    const inputs = resolvePlanInputs({ rate: 100, region: 'eu-west-1' });
    expect(
      planCapacity(inputs).notes.some((n) => n.startsWith('Costs use us-east-1 prices; prices in eu-west-1 differ')),
    ).toBe(true);
    const overrides = parsePriceOverrides('{"region": "eu-west-1", "lambdaRequestsPerMillion": 0.2}', 'p.json');
    const plan = planCapacity(inputs, {
      prices: applyPriceOverrides(DEFAULT_PRICES, overrides),
      pricesRegion: overrides.region!,
    });
    expect(plan.pricesRegion).toBe('eu-west-1');
    expect(plan.notes.some((n) => n.startsWith('Costs use'))).toBe(false);
  });
});
