/**
 * Event pattern conformance against behaviour recorded on real AWS (TestEventPattern), read from
 * ../shared/conformance/eventbridge (see its README): one test per case file, so a new case file
 * is picked up automatically.
 */
import { readdirSync, readFileSync } from 'node:fs';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { EventBridgeValidationException, InvalidEventPatternException } from '../../src/eventbridge/errors.js';
import { compileEventPattern, testEventPattern } from '../../src/eventbridge/pattern.js';
import { conformancePath } from './shared-data.js';

const patternsDir = conformancePath('eventbridge', 'patterns');
const snapshot = JSON.parse(
  readFileSync(conformancePath('eventbridge', 'test_events_patterns.snapshot.json'), 'utf8'),
) as Record<string, { 'recorded-content': Record<string, unknown> }>;
const validation = JSON.parse(
  readFileSync(conformancePath('eventbridge', 'test_events_patterns.validation.json'), 'utf8'),
) as Record<string, unknown>;

const TEST_PREFIX = 'tests/aws/services/events/test_events_patterns.py::TestEventPattern::';

interface AwsError {
  Error: { Code: string; Message: string; MessageRaw?: string };
  ResponseMetadata: { HTTPStatusCode: number };
}

/** AWS's recorded error of each `_EXC` case, by case name. */
const recordedErrors = new Map<string, AwsError>();
for (const entry of Object.values(snapshot)) {
  for (const [name, content] of Object.entries(entry['recorded-content'])) {
    const exception = (content as { exception_message?: AwsError }).exception_message;
    if (exception) recordedErrors.set(name, exception);
  }
}

const caseFiles = readdirSync(patternsDir)
  .filter((f) => f.endsWith('.json5'))
  .sort();

function expectedOutcome(name: string): 'match' | 'no match' | 'invalid' {
  if (name.endsWith('_EXC')) return 'invalid';
  if (name.endsWith('_NEG')) return 'no match';
  return 'match';
}

describe('patterns/ corpus (AWS TestEventPattern answers)', () => {
  it('finds the recorded cases', () => {
    expect(caseFiles.length).toBeGreaterThanOrEqual(155);
  });

  for (const file of caseFiles) {
    const name = file.replace(/\.json5$/, '');
    const outcome = expectedOutcome(name);
    it(`${name}: ${outcome}`, () => {
      const { Event: event, EventPattern: pattern } = JSON5.parse(readFileSync(`${patternsDir}/${file}`, 'utf8')) as {
        Event: object;
        EventPattern: object;
      };
      // AWS received the pattern as Python's json.dumps text; send the same text.
      const patternText = pythonJsonDumps(pattern);
      if (outcome === 'invalid') {
        const error = catchError(() => testEventPattern(patternText, event));
        expect(error).toBeInstanceOf(InvalidEventPatternException);
        const exception = error as InvalidEventPatternException;
        expect(exception.name).toBe('InvalidEventPatternException');
        expect(exception.httpStatus).toBe(400);
        const recorded = recordedErrors.get(name);
        if (recorded) {
          expect(exception.code).toBe(recorded.Error.Code);
          expect(exception.message).toBe(recorded.Error.Message);
        }
      } else {
        expect(testEventPattern(patternText, event)).toBe(outcome === 'match');
      }
    });
  }

  it('the snapshot records AWS’s message for every _EXC case file', () => {
    const exc = caseFiles.map((f) => f.replace(/\.json5$/, '')).filter((n) => n.endsWith('_EXC'));
    expect(exc.filter((n) => !recordedErrors.has(n))).toEqual([]);
  });

  it('every case file was validated against AWS (validation.json)', () => {
    const validated = new Set(
      Object.keys(validation)
        .map((k) => /test_event_pattern\[(.*)\]$/.exec(k)?.[1])
        .filter((n): n is string => n !== undefined),
    );
    expect(caseFiles.map((f) => f.replace(/\.json5$/, '')).filter((n) => !validated.has(n))).toEqual([]);
  });

  it('raw AWS messages (with parser location) match where the recorded source text is the pattern as sent', () => {
    let compared = 0;
    for (const file of caseFiles.filter((f) => f.includes('_EXC'))) {
      const name = file.replace(/\.json5$/, '');
      const raw = recordedErrors.get(name)?.Error.MessageRaw;
      const source = raw ? /\[Source: \(String\)"(.*)"; line: \d+, column: \d+\]$/s.exec(raw)?.[1] : undefined;
      if (!raw || !source) continue;
      const { EventPattern: pattern } = JSON5.parse(readFileSync(`${patternsDir}/${file}`, 'utf8')) as {
        EventPattern: object;
      };
      const sent = pythonJsonDumps(pattern);
      if (sent !== source) continue; // the snapshot tool replaced values (e.g. the region) in the source text
      const error = catchError(() => compileEventPattern(sent)) as InvalidEventPatternException;
      expect(error.awsMessage, name).toBe(raw);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  });
});

describe('duplicate keys (complex_multi_key_*.json: the AWS guide’s complex example)', () => {
  it('matches as AWS does: the repeated key is applied, not collapsed by a JSON parser', () => {
    const pattern = readFileSync(`${patternsDir}/complex_multi_key_event_pattern.json`, 'utf8');
    const event = readFileSync(`${patternsDir}/complex_multi_key_event.json`, 'utf8');
    expect(testEventPattern(pattern, event)).toBe(true);
    expect(compileEventPattern(pattern).source).toEqual({ detail: { location: [{ 'anything-but': 'us-east' }] } });
  });
});

describe('other recorded TestEventPattern answers', () => {
  const entries = Object.entries(snapshot).filter(([key]) => key.startsWith(TEST_PREFIX));

  it('invalid JSON patterns: AWS’s Jackson messages, with location', () => {
    const cases = entries
      .map(([key, entry]) => ({
        pattern: /^test_invalid_json_event_pattern\[(.*)\]$/s.exec(key.slice(TEST_PREFIX.length))?.[1],
        entry,
      }))
      .filter((c): c is { pattern: string; entry: (typeof entries)[number][1] } => c.pattern !== undefined);
    expect(cases.length).toBe(4);
    const event =
      '{"id": "1", "source": "test-source", "detail-type": "test-detail-type", "account": "123456789012", "region": "us-east-2", "time": "2022-07-13T13:48:01Z", "detail": {"test": "test"}}';
    for (const { pattern, entry } of cases) {
      const recorded = entry['recorded-content']['invalid-pattern'] as AwsError;
      const error = catchError(() => testEventPattern(pattern, event)) as InvalidEventPatternException;
      expect(error).toBeInstanceOf(InvalidEventPatternException);
      expect(error.awsMessage).toBe(recorded.Error.Message);
      expect(error.httpStatus).toBe(recorded.ResponseMetadata.HTTPStatusCode);
    }
  });

  it('events that are not JSON objects with the mandatory fields: ValidationException', () => {
    const recorded = (name: string, key: string) => snapshot[TEST_PREFIX + name]!['recorded-content'][key] as AwsError;
    const pattern = { body: { test2: [{ numeric: ['>', 100] }] } };
    const cases: Array<[unknown, AwsError]> = [
      ['plain string', recorded('test_plain_string_payload', 'plain-string-payload-exc')],
      [JSON.stringify(['plain string']), recorded('test_array_event_payload', 'array-event-payload-exc')],
      [JSON.stringify({ testEvent: 'value' }), recorded('test_invalid_event_payload', 'plain-string-payload-exc')],
    ];
    for (const [event, aws] of cases) {
      const error = catchError(() => testEventPattern(pattern, event as string)) as EventBridgeValidationException;
      expect(error).toBeInstanceOf(EventBridgeValidationException);
      expect(error.code).toBe(aws.Error.Code);
      expect(error.message).toBe(aws.Error.Message);
      expect(error.httpStatus).toBe(aws.ResponseMetadata.HTTPStatusCode);
    }
  });

  it('source match and no match (test_event_pattern_source)', () => {
    const recorded = snapshot[`${TEST_PREFIX}test_event_pattern_source`]!['recorded-content'] as Record<
      string,
      { Result: boolean }
    >;
    const event = {
      id: '1',
      source: 'order',
      'detail-type': 'Test',
      account: '111111111111',
      region: 'us-east-1',
      time: '2024-07-11T13:55:39Z',
    };
    expect(testEventPattern({ source: ['order'], 'detail-type': ['Test'] }, event)).toBe(
      recorded['eventbridge-test-event-pattern-response']!.Result,
    );
    expect(testEventPattern({ source: ['shipment'], 'detail-type': ['Test'] }, event)).toBe(
      recorded['eventbridge-test-event-pattern-response-no-match']!.Result,
    );
  });
});

/** Python's `json.dumps` with its defaults (", " and ": " separators, non-ASCII escaped). */
function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'string')
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  return JSON.stringify(value);
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
