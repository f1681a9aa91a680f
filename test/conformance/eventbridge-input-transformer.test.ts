/**
 * Input transformation conformance: every case of ../shared/conformance/eventbridge/
 * input-transformer.json (deliveries recorded on AWS by LocalStack's snapshot tests).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventBridgeValidationException } from '../../src/eventbridge/errors.js';
import { transformInput, validateTargetInput } from '../../src/eventbridge/transform.js';
import type { TargetInput } from '../../src/eventbridge/transform.js';
import { conformancePath } from './shared-data.js';

interface Case {
  name: string;
  event: Record<string, unknown> | null;
  target: TargetInput;
  expected:
    | { body: string }
    | { body_json: unknown }
    | { delivered: false }
    | { error: { code: string; message: string; http_status: number } };
  context?: { event_bus_name: string; rule_name: string; rule_arn: string; ingestion_time?: string };
  masked_paths?: string[];
}

const data = JSON.parse(readFileSync(conformancePath('eventbridge', 'input-transformer.json'), 'utf8')) as {
  cases: Case[];
};

/** Replaces the values at masked JSON paths ($.a.b) by a marker, in both documents. */
function mask(value: unknown, paths: readonly string[]): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  for (const path of paths) {
    const keys = path.replace(/^\$\./, '').split('.');
    let at: Record<string, unknown> | undefined = copy;
    for (const key of keys.slice(0, -1)) at = at?.[key] as Record<string, unknown> | undefined;
    if (at && keys.at(-1)! in at) at[keys.at(-1)!] = '<masked>';
  }
  return copy;
}

describe('input-transformer.json (AWS deliveries)', () => {
  it('has the recorded cases', () => {
    expect(data.cases.length).toBeGreaterThanOrEqual(42);
  });

  for (const c of data.cases) {
    it(c.name, () => {
      const context = {
        ruleArn: c.context?.rule_arn ?? 'arn:aws:events:us-east-1:111111111111:rule/conformance',
        ruleName: c.context?.rule_name ?? 'conformance',
        ingestionTime: c.context?.ingestion_time ?? '2026-01-01T00:00:00Z',
      };
      const expected = c.expected;
      if ('error' in expected) {
        let error: unknown;
        try {
          validateTargetInput(c.target);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(EventBridgeValidationException);
        const v = error as EventBridgeValidationException;
        expect({ code: v.code, message: v.message, http_status: v.httpStatus }).toEqual(expected.error);
        return;
      }
      validateTargetInput(c.target);
      const result = transformInput(c.event!, c.target, context);
      if ('delivered' in expected) {
        expect(result.delivered).toBe(false);
        return;
      }
      expect(result.delivered).toBe(true);
      const body = (result as { body: string }).body;
      if ('body' in expected) {
        expect(body).toBe(expected.body);
      } else {
        const masked = c.masked_paths ?? [];
        expect(mask(JSON.parse(body), masked)).toEqual(mask(expected.body_json, masked));
        // Key order is AWS's too.
        expect(JSON.stringify(mask(JSON.parse(body), masked))).toBe(JSON.stringify(mask(expected.body_json, masked)));
      }
    });
  }
});
