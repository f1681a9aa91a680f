/**
 * The fast executor's compiled paths against jsonpath-plus (what the reference executor
 * evaluates every path with): the same value — or the same absence of one — for every supported
 * path on generated JSON; and templates and ResultPath as the States Language defines them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePath, compileResultPath, compileTemplate } from '../../src/workflow/asl-paths.js';
import { UnsupportedPathError } from '../../src/workflow/errors.js';
import type { PathContext } from '../../src/workflow/asl-paths.js';
import type { JsonValue } from '../../src/workflow/index.js';
import { loadInterpreter } from '../../src/workflow/interpreter.js';

const { evaluateJsonPath } = loadInterpreter();

const KEYS = ['a', 'b', 'items', 'messageId', 'length', '0', '1', 'x-y'];

/** JSON built from the keys the paths use, so that paths often find something (and often do not). */
const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<JsonValue>(null, 0, 1, '', 'abc', true, false, 2.5),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const step = fc.oneof(
  fc.constantFrom('a', 'b', 'items', 'messageId', 'length').map((k) => `.${k}`),
  fc.constantFrom(0, 1, 2).map((i) => `[${i}]`),
  fc.constantFrom('a', 'x-y', '0').map((k) => `['${k}']`),
);
const path = fc.array(step, { maxLength: 4 }).map((steps) => `$${steps.join('')}`);

const upstream = (p: string, value: JsonValue): unknown => evaluateJsonPath({ path: p, json: value, wrap: false });
const context = (overrides: Partial<PathContext> = {}): PathContext => ({
  executionInput: null,
  startTime: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('compiled paths', () => {
  it('find exactly what jsonpath-plus finds, for every supported path on generated JSON', () => {
    fc.assert(
      fc.property(path, json, (p, value) => {
        expect(compilePath(p, 'test').get(value, context())).toEqual(upstream(p, value));
      }),
      { numRuns: 3000 },
    );
  });

  it('follow own properties of truthy values, as jsonpath-plus does: string indexes and length, nothing under 0, "", false or null', () => {
    const cases: Array<[string, JsonValue]> = [
      ['$', null],
      ['$', 0],
      ['$', ''],
      ['$', false],
      ['$', 'x'],
      ['$.a', { a: null }],
      ['$.a.b', { a: null }],
      ['$.a.b', { a: 0 }],
      ['$.a[0]', { a: 'xyz' }],
      ['$.a.length', { a: 'xyz' }],
      ['$.a.length', { a: [1, 2] }],
      ['$.a.length', { a: '' }],
      ['$.a[1]', { a: [5] }],
      ['$.constructor', {}],
      ['$.a.toString', { a: {} }],
    ];
    for (const [p, value] of cases)
      expect(compilePath(p, 'test').get(value, context()), `${p} on ${JSON.stringify(value)}`).toEqual(
        upstream(p, value),
      );
  });

  it('read the context as the reference does: $$.Map.Item.Value… and Index in an ItemSelector, $$.Execution.Input…', () => {
    fc.assert(
      fc.property(path, json, fc.nat(5), json, (p, item, index, input) => {
        const ctx = context({ executionInput: input, mapItem: { index, value: item } });
        const whole = { Execution: { Input: input }, Map: { Item: { Index: index, Value: item } } };
        for (const prefix of ['$$.Map.Item.Value', '$$.Execution.Input']) {
          const text = `${prefix}${p.slice(1)}`;
          expect(compilePath(text, 'test', true).get(null, ctx), text).toEqual(upstream(text.slice(1), whole));
        }
        expect(compilePath('$$.Map.Item.Index', 'test', true).get(null, ctx)).toBe(index);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    '$..a',
    '$.a[*]',
    '$.a[?(@.b)]',
    '$.a[0:2]',
    '$.a,b',
    'a.b',
    '$.a.',
    "$['a.b']",
    '$$.State.Name',
    '$.a[-1]',
  ])('refuses %s with a message naming the field', (p) => {
    expect(() => compilePath(p, 'State "X" field "y.$"')).toThrow(UnsupportedPathError);
    expect(() => compilePath(p, 'State "X" field "y.$"')).toThrow(/State "X" field "y\.\$"/);
  });

  it('refuses $$.Map.Item outside an ItemSelector', () => {
    expect(() => compilePath('$$.Map.Item.Value', 'State "P" Parameters')).toThrow(
      /only in a Map state's ItemSelector/,
    );
  });
});

describe('compiled payload templates', () => {
  it('take path values for fields ending in .$, keep constants, recurse into objects and arrays, and build a new value each time', () => {
    const template = compileTemplate(
      {
        FunctionName: '${Fn}',
        'Payload.$': '$',
        nested: { 'id.$': '$.a', list: [{ 'v.$': '$.b' }, 1] },
        constant: 'x',
      },
      'test',
    );
    const input = { a: 7, b: [1] };
    const first = template(input, context()) as Record<string, unknown>;
    expect(first).toEqual({
      FunctionName: '${Fn}',
      Payload: input,
      nested: { id: 7, list: [{ v: [1] }, 1] },
      constant: 'x',
    });
    expect(template(input, context())).not.toBe(first);
  });

  it('fail with States.Runtime and the reference executor’s message when a path finds nothing', () => {
    const template = compileTemplate({ 'id.$': '$.items[0].messageId' }, 'test');
    expect(() => template({ items: [] }, context())).toThrow(
      expect.objectContaining({
        name: 'States.Runtime',
        message: "Path expression '$.items[0].messageId' does not point to a value",
      }),
    );
  });

  it('refuse intrinsic functions', () => {
    expect(() => compileTemplate({ 'id.$': "States.Format('{}', $.a)" }, 'State "S" Parameters')).toThrow(
      /intrinsic function/,
    );
  });
});

describe('compiled ResultPath', () => {
  it('null keeps the input, absent and $ take the result, $.a.b sets a copy', () => {
    const input = { a: { keep: 1 }, other: [1] };
    expect(compileResultPath(null, 't')(input, 5)).toBe(input);
    expect(compileResultPath(undefined, 't')(input, 5)).toBe(5);
    expect(compileResultPath('$', 't')(input, 5)).toBe(5);
    const out = compileResultPath('$.a.b', 't')(input, 5);
    expect(out).toEqual({ a: { keep: 1, b: 5 }, other: [1] });
    expect(input).toEqual({ a: { keep: 1 }, other: [1] });
    expect(compileResultPath('$.x.y', 't')({ x: 'scalar' }, 1)).toEqual({ x: { y: 1 } });
  });

  it('fails with States.ResultPathMatchFailure on an input that is not an object', () => {
    expect(() => compileResultPath('$.error', 't')([1, 2], 5)).toThrow(
      expect.objectContaining({ name: 'States.ResultPathMatchFailure' }),
    );
  });
});
