/**
 * Event pattern semantics and errors beyond the recorded corpus. Expected answers were checked
 * against EventBridge's open-source engine (aws/event-ruler), which the recorded AWS answers
 * agree with.
 */
import { describe, expect, it } from 'vitest';
import { EventBridgeValidationException, InvalidEventPatternException } from '../../src/eventbridge/errors.js';
import {
  compileEventPattern,
  EventPatternIndex,
  MAX_EVENT_PATTERN_LENGTH,
  testEventPattern,
} from '../../src/eventbridge/pattern.js';
import { wildcardComplexity } from '../../src/eventbridge/pattern-complexity.js';
import { parseWildcard } from '../../src/eventbridge/pattern-values.js';

const BASE = {
  id: '1',
  account: '111111111111',
  source: 'test',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  'detail-type': 'T',
};

/** TestEventPattern with the event's mandatory fields added. */
function matches(pattern: string | object, event: object): boolean {
  return testEventPattern(pattern, JSON.stringify({ ...BASE, ...event }));
}

function invalid(pattern: string): InvalidEventPatternException {
  try {
    compileEventPattern(pattern);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventPatternException);
    return error as InvalidEventPatternException;
  }
  throw new Error(`expected ${pattern} to be invalid`);
}

describe('matching semantics', () => {
  it.each([
    [
      'fields in different objects of one array never combine',
      { items: { a: [1], b: [1] } },
      {
        items: [
          { a: 1, b: 2 },
          { a: 2, b: 1 },
        ],
      },
      false,
    ],
    [
      'fields in the same array object combine',
      { items: { a: [1], b: [2] } },
      {
        items: [
          { a: 1, b: 2 },
          { a: 2, b: 1 },
        ],
      },
      true,
    ],
    ['a plain value in an array combines with anything', { a: ['x'], 'a.b': ['y'] }, { a: ['x', [{ b: 'y' }]] }, true],
    [
      'exists:false is judged in the array element of the fields before it (path order)',
      { items: { id: ['2'], note: [{ exists: false }] } },
      { items: [{ id: '1', note: 'n' }, { id: '2' }] },
      true,
    ],
    [
      '…and fails where that element has the field',
      { items: { id: ['1'], note: [{ exists: false }] } },
      { items: [{ id: '1', note: 'n' }, { id: '2' }] },
      false,
    ],
    [
      '…and is global when it comes first in path order',
      { items: { note: [{ exists: false }], zid: ['2'] } },
      { items: [{ zid: '1', note: 'n' }, { zid: '2' }] },
      false,
    ],
    ['an empty array has no value', { f: [{ exists: true }] }, { f: [] }, false],
    ['an empty object is no value', { f: [{ exists: false }] }, { f: {} }, true],
    ['anything-but matches null', { f: [{ 'anything-but': 'x' }] }, { f: null }, true],
    [
      'anything-but on an array: any element outside the list',
      { f: [{ 'anything-but': [1, 2] }] },
      { f: [1, 3] },
      true,
    ],
    ['anything-but on an array: every element in the list', { f: [{ 'anything-but': [1, 2] }] }, { f: [1, 2] }, false],
    ['prefix matches strings only', { f: [{ prefix: '' }] }, { f: 5 }, false],
    ['numeric matches numbers only', { f: [{ numeric: ['>', 0] }] }, { f: '5' }, false],
    ['cidr', { f: [{ cidr: '10.0.0.0/8' }] }, { f: '10.1.2.3' }, true],
    [
      'an IP value matches other spellings of the address',
      { ip: ['2001:db8::1'] },
      { ip: '2001:0db8:0:0:0:0:0:1' },
      true,
    ],
    ['equals-ignore-case folds ß to SS', { f: [{ 'equals-ignore-case': 'straße' }] }, { f: 'STRASSE' }, true],
    ['an empty anything-but list matches nothing', { f: [{ 'anything-but': { prefix: [] } }] }, { f: 'x' }, false],
    [
      'nested keys and dotted keys are the same field',
      { detail: { 'state.status': ['running'] } },
      { detail: { state: { status: 'running' } } },
      true,
    ],
  ])('%s', (_label, pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });

  it('compares numbers by value when EventBridge can, by text otherwise', () => {
    const event = (n: string) =>
      `{"id":"1","account":"1","source":"s","time":"t","region":"r","detail-type":"d","n":${n}}`;
    expect(testEventPattern('{"n": [300]}', event('3.0e2'))).toBe(true);
    expect(testEventPattern('{"n": [{"numeric": ["=", 0]}]}', event('-0.0'))).toBe(true);
    expect(testEventPattern('{"n": [12345678901234567890]}', event('12345678901234567890'))).toBe(true);
    expect(testEventPattern('{"n": [12345678901234567890]}', event('12345678901234567000'))).toBe(false);
    expect(testEventPattern('{"n": [{"numeric": [">", 0, "<=", 5]}]}', event('5'))).toBe(true);
    expect(testEventPattern('{"n": [{"numeric": [">", 0, "<", 5]}]}', event('5'))).toBe(false);
  });

  it('wildcards: * matches any run, \\* and \\\\ are literal', () => {
    expect(matches({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe(true);
    expect(matches({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axxb' })).toBe(false);
    expect(matches({ f: [{ wildcard: 'a\\\\b' }] }, { f: 'a\\b' })).toBe(true);
    expect(matches({ f: [{ wildcard: '*/dir/*' }] }, { f: 'x/dir/y' })).toBe(true);
    expect(matches({ f: [{ wildcard: '' }] }, { f: '' })).toBe(true);
    expect(parseWildcard('a*b*')).toEqual(['a', 'b', '']);
  });

  it('escape characters in exact values (recorded as validated: test_event_pattern_with_escape_characters)', () => {
    const event =
      '{"id": "1", "source": "test-source", "detail-type": "test-detail-type", "account": "123456789012", "region": "us-east-2", "time": "2022-07-13T13:48:01Z", "detail": {"escape_star": "*", "escape_backslash": "\\\\"}}';
    expect(testEventPattern('{"detail": {"escape_star": ["*"], "escape_backslash": ["\\\\"]}}', event)).toBe(true);
  });

  it('$or: fields before it go into every alternative, fields after it apply to all; a later key replaces', () => {
    const before = '{"a": ["1"], "$or": [{"a": ["2"]}, {"b": ["3"]}]}';
    expect(matches(before, { a: '2' })).toBe(true);
    expect(matches(before, { a: '1', b: '3' })).toBe(true);
    const after = '{"$or": [{"a": ["2"]}, {"b": ["3"]}], "a": ["1"]}';
    expect(matches(after, { a: '2' })).toBe(false);
    expect(matches(after, { a: '1', b: '3' })).toBe(true);
    const twice = '{"$or": [{"a": ["1"]}, {"a": ["2"]}], "$or": [{"b": ["1"]}, {"b": ["2"]}]}';
    expect(matches(twice, { a: '2', b: '1' })).toBe(true);
    expect(matches(twice, { a: '2' })).toBe(false);
  });

  it('a repeated object key merges its fields', () => {
    const pattern = '{"d": {"x": ["1"]}, "d": {"y": ["2"]}}';
    expect(matches(pattern, { d: { x: '1', y: '2' } })).toBe(true);
    expect(matches(pattern, { d: { y: '2' } })).toBe(false);
    expect(compileEventPattern(pattern).source).toEqual({ d: { x: ['1'], y: ['2'] } });
  });

  it('matches plain objects too (numbers as JavaScript numbers), and keys like __proto__', () => {
    const pattern = compileEventPattern({
      detail: { eventBody: { eventTime: [{ numeric: ['>=', 1767268800000] }], ['__proto__']: ['x'] } },
    });
    const body = JSON.parse('{"eventTime": 1767268800001, "__proto__": "x"}') as object;
    expect(pattern.matches({ detail: { eventBody: body } })).toBe(true);
    expect(pattern.matches({ detail: { eventBody: { eventTime: 1 } } })).toBe(false);
  });
});

describe('invalid patterns: AWS’s reasons and locations', () => {
  it.each([
    ['{"a": {}}', 'Empty objects are not allowed', 9],
    ['{"a": [[1]]}', 'Match value must be String, number, true, false, or null', 9],
    ['{"a": [{}]}', 'Match expression name not found', 10],
    ['{"a": [{"prefix": "x", "suffix": "y"}]}', 'Only one key allowed in match expression', 35],
    ['{"a": [{"prefix": {"foo": "x"}}]}', 'Unsupported prefix pattern: foo', 28],
    ['{"a": [{"numeric": [">", 5, "<", 1]}]}', 'Bottom must be less than top', 36],
    ['{"a": [{"numeric": ["=", 5, 6]}]}', 'Too many elements in numeric expression', 30],
    ['{"a": [{"numeric": ["==", 5]}]}', 'Unrecognized numeric range operator: ==', 28],
    ['{"a": [{"numeric": []}]}', 'Invalid member in numeric match: ]', 22],
    ['{"a": [{"numeric": [">", 1, 5]}]}', 'Bad value in numeric range: 5', 30],
    ['{"a": [{"numeric": [">", 1e400]}]}', 'Cannot compare number : 1e400', 32],
    [
      '{"a": [{"anything-but": ["a", 1]}]}',
      'Inside anything but list, either all values are number or string, mixed type is not supported',
      33,
    ],
    ['{"a": [{"anything-but": {"foo": "x"}}]}', 'Unsupported anything-but pattern: foo', 34],
    ['{"a": [{"anything-but": "x", "y": 1}]}', 'Too many elements in numeric expression', 36],
    ['{"a": [{"exists": "true"}]}', 'exists match pattern must be either true or false.', 20],
    ['{"a": [{"wildcard": "a\\\\b"}]}', 'Invalid escape character at pos 2', 27],
    ['{"a": [{"exactly": 1}]}', 'exact match pattern must be a string', 21],
    ['{"$or": {"a": ["b"]}}', 'It must be an Array followed with $or.', 10],
    ['{"$or": [{"a": ["b"]}]}', 'There must have at least 2 Objects in $or relationship.', 23],
    ['{"$or": [{"a": ["b"]}, "x"]}', 'Only JSON object is allowed in array of $or relationship.', 25],
    [
      '{"$or": [{"a": ["b"]}, {"prefix": ["x"]}]}',
      'prefix is Ruler reserved fieldName which cannot be used inside $or.',
      36,
    ],
    ['{}', 'Empty objects are not allowed', 3],
    ['["a"]', 'Filter is not an object', 2],
    ['', 'Filter is not an object', 1],
    ['{"a": ["b" "c"]}', "Unexpected character ('\"' (code 34)): was expecting comma to separate Array entries", 12],
    ['{"a": [01]}', 'Invalid numeric value: Leading zeroes not allowed', 9],
    [
      '{"a": ["b"]',
      'Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"a": ["b"]"; line: 1, column: 1])',
      12,
    ],
    ['{"a": [NaN]}', "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", 11],
    [
      '{"a": /x/}',
      "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)",
      7,
    ],
  ])('%s → %s', (pattern, reason, column) => {
    const error = invalid(pattern);
    expect(error.message).toBe(`Event pattern is not valid. Reason: ${reason}`);
    expect(error.reason).toBe(reason);
    expect(error.location?.column).toBe(column);
    expect(error.awsMessage).toBe(`${error.message}\n at [Source: (String)"${pattern}"; line: 1, column: ${column}]`);
  });

  it('CIDR errors carry no location, as AWS reports them', () => {
    for (const [cidr, reason] of [
      ['10.0.0.0/32', 'IPv4 mask bits must be < 32'],
      ['::/128', 'IPv6 mask bits must be < 128'],
      ['10.0.0.0/-1', 'Malformed CIDR, mask bits must not be negative'],
      ['10.0.0.256/24', 'Invalid IP address: 10.0.0.256'],
      ['10.0.0.0/', "Malformed CIDR, one '/' required"],
      ['/8', 'Nonstandard IP address: '],
    ]) {
      const error = invalid(JSON.stringify({ a: [{ cidr: cidr }] }));
      expect(error.message).toBe(`Event pattern is not valid. Reason: ${reason}`);
      expect(error.awsMessage).toBe(error.message);
      expect(error.location).toBeUndefined();
    }
    expect(() => compileEventPattern({ a: [{ cidr: '10.0.0.0/+8' }] })).not.toThrow();
  });

  it('an error inside an anything-but list carries two locations, as AWS’s does', () => {
    const pattern = '{"a": [{"anything-but": [null]}]}';
    const error = invalid(pattern);
    expect(error.message).toBe(
      'Event pattern is not valid. Reason: Inside anything but list, start|null|boolean is not supported.',
    );
    const at = `\n at [Source: (String)"${pattern}"; line: 1, column: 30]`;
    expect(error.awsMessage).toBe(error.message + at + at);
  });

  it('long pattern text is truncated in the location like Jackson does, lines are counted', () => {
    const values = Array.from({ length: 120 }, (_, i) => `"${String(i).padStart(3, '0')}"`).join(', ');
    const long = `{"a": [${values}], "b": 5}`;
    expect(invalid(long).awsMessage).toMatch(/"\[truncated 355 chars\]; line: 1, column: 855\]$/);
    expect(invalid('{"a":\n ["b"],\n "c": 5}').location).toEqual({ line: 3, column: 8 });
  });

  it('objects are validated like text', () => {
    expect(invalid(JSON.stringify({ source: 'aws.partner' })).message).toBe(
      'Event pattern is not valid. Reason: "source" must be an object or an array',
    );
    expect(() => compileEventPattern({ source: [] })).toThrow('Empty arrays are not allowed');
  });

  it('patterns over 4096 characters are refused by TestEventPattern (ValidationException)', () => {
    const pattern = JSON.stringify({ source: ['x'.repeat(MAX_EVENT_PATTERN_LENGTH)] });
    expect(() => testEventPattern(pattern, { ...BASE })).toThrow(EventBridgeValidationException);
    expect(() => testEventPattern(pattern, { ...BASE })).toThrow(/Member must have length less than or equal to 4096/);
  });
});

describe('wildcard complexity (AWS: "Rule is too complex …")', () => {
  // Values computed by EventBridge's engine (aws/event-ruler MachineComplexityEvaluator).
  it.each([
    ['*', 2],
    ['a*b*c', 3],
    ['*:*:*', 5],
    ['*:*:*:*:*', 9],
    ['*:*:*:*:*:event-bus/*', 11],
    ['/Users/*/dir/dir/dir/dir/dir/doc.txt', 7],
    ['arn:aws:events:us-east-1:*:event-bus/*', 3],
    ['x*aaaa', 5],
    ['x*abab', 3],
  ])('%s has complexity %i', (value, complexity) => {
    expect(wildcardComplexity([{ id: value, values: [parseWildcard(value)] }])).toBe(complexity);
  });

  it('an anything-but wildcard list counts as one pattern', () => {
    expect(wildcardComplexity([{ id: 'l', values: [parseWildcard('a'), parseWildcard('*')] }])).toBe(2);
    expect(wildcardComplexity([{ id: 'l', values: [parseWildcard('*a'), parseWildcard('*a::')] }])).toBe(3);
  });

  it('rejects too complex patterns, accepts the recorded ones', () => {
    expect(invalid('{"f": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}').message).toBe(
      'Event pattern is not valid. Reason: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    );
    expect(() => compileEventPattern({ f: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] })).not.toThrow();
  });
});

describe('EventPatternIndex basics', () => {
  it('adds, replaces, removes, and returns values in the order rules were added', () => {
    const index = new EventPatternIndex<string>();
    index.add('b', { source: ['s'] }, 'B');
    index.add('a', { 'detail-type': ['T'] }, 'A');
    index.add('c', { source: [{ prefix: 'x' }] }, 'C');
    expect(index.size).toBe(3);
    expect(index.match({ ...BASE, source: 's' })).toEqual(['B', 'A']);
    index.add('b', { source: ['other'] }, 'B2');
    expect(index.match({ ...BASE, source: 's' })).toEqual(['A']);
    expect(index.match({ ...BASE, source: 'other' })).toEqual(['A', 'B2']);
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.size).toBe(2);
    expect(index.match({ ...BASE, source: 'xyz' })).toEqual(['C']);
  });

  it('leaves the index unchanged when a pattern is invalid', () => {
    const index = new EventPatternIndex<number>();
    index.add('r', { source: ['s'] }, 1);
    expect(() => index.add('r', { source: 's' }, 2)).toThrow(InvalidEventPatternException);
    expect(index.match({ source: 's' })).toEqual([1]);
  });
});
