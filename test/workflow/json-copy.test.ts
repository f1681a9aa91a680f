/**
 * jsonCopy is the Lambda emulation's payload round trip: it must return exactly what
 * JSON.parse(JSON.stringify(value)) returns — same values, same key order, same errors — for
 * anything a handler may return, odd values included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonCopy } from '../../src/workflow/json-copy.js';
import { outcome, Point } from '../support/values.js';

const viaText = (value: unknown): unknown => {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
};
/** Values a handler could return: JSON, and what JSON treats specially. */
const odd = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    NaN,
    Infinity,
    -Infinity,
    -0,
    () => 1,
    Symbol('s'),
    new Date(0),
    new Point(1, 2),
    new Map([[1, 2]]),
    new Number(3),
    new String('s'),
    Object.create(null) as object,
  ),
  fc.constant({ toJSON: () => ({ replaced: true }) }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object),
  fc.constant(Object.assign(new Array<number>(3), { 0: 1, 2: 3 })), // [1, <hole>, 3]
  fc.string({ unit: 'binary' }), // lone surrogates too
);
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    odd,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('0', '10', '__proto__', 'toJSON')), tie('v'), {
      maxKeys: 4,
    }),
  ),
})).v;

describe('jsonCopy', () => {
  it('equals JSON.parse(JSON.stringify(value)) on generated values, odd ones included', () => {
    fc.assert(
      fc.property(value, (v) => {
        const expected = outcome(() => viaText(v));
        const actual = outcome(() => jsonCopy(v));
        expect(actual).toStrictEqual(expected);
        if ('value' in actual && 'value' in expected)
          expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value)); // key order too
      }),
      { numRuns: 5000 },
    );
  });

  it('copies: nothing in the result is an object of the input', () => {
    const input = { a: { b: [{ c: 1 }] } };
    const copy = jsonCopy(input) as typeof input;
    expect(copy).toEqual(input);
    expect(copy.a).not.toBe(input.a);
    expect(copy.a.b[0]).not.toBe(input.a.b[0]);
  });

  it('gives the same errors as JSON: BigInt, cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    for (const v of [{ n: 1n }, cyclic, [1n]])
      expect(outcome(() => jsonCopy(v))).toStrictEqual(outcome(() => viaText(v)));
    expect(() => jsonCopy(cyclic)).toThrow(TypeError);
  });

  it('-0 becomes 0, NaN null, holes null, and deep nesting still works', () => {
    expect(Object.is(jsonCopy(-0), 0)).toBe(true);
    expect(jsonCopy([NaN, -0, undefined])).toStrictEqual([null, 0, null]);
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = { d: deep };
    expect(jsonCopy(deep)).toStrictEqual(viaText(deep));
  });
});
