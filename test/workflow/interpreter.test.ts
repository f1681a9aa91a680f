import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadInterpreter } from '../../src/workflow/interpreter.js';

const {
  evaluateJsonPath,
  upstreamJsonPath,
  interpreter: { StateMachine },
} = loadInterpreter();

const require = createRequire(import.meta.url);

const document: Record<string, unknown> = {
  store: {
    book: [
      { title: 'a', price: 8 },
      { title: 'b', price: 12, isbn: 'x' },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
  n: 0,
  empty: '',
  nothing: null,
  flag: false,
  list: [1, 2, 3],
  nested: { deep: { deeper: [{ v: 1 }, { v: 2 }] } },
  'odd-key': { value: 'dash' },
};

const PATHS = [
  '$',
  '$.n',
  '$.empty',
  '$.nothing',
  '$.flag',
  '$.missing',
  '$.missing.deeper',
  '$.list',
  '$.list[0]',
  '$.list[5]',
  '$.list[*]',
  '$.list.length',
  '$.store.book[*].title',
  '$.store.book[?(@.price > 10)]',
  '$.store.book[?(@.isbn)].title',
  '$..price',
  '$.nested.deep.deeper[1].v',
  "$['odd-key'].value",
  '$.store.*',
];

describe('interpreter: JSONPath without the per-query exception', () => {
  it.each(PATHS)('%s evaluates exactly as upstream jsonpath-plus (wrap: false)', (path) => {
    expect(evaluateJsonPath({ path, json: document, wrap: false })).toStrictEqual(
      upstreamJsonPath({ path, json: document, wrap: false }),
    );
  });

  it('agrees with upstream on random documents and paths', () => {
    const key = fc.constantFrom('a', 'b', 'c', '0', 'list');
    const path = fc
      .array(
        fc.oneof(
          key.map((k) => `.${k}`),
          fc.nat(3).map((i) => `[${i}]`),
          fc.constant('[*]'),
          fc.constant('..a'),
        ),
        { maxLength: 4 },
      )
      .map((parts) => `$${parts.join('')}`);
    fc.assert(
      fc.property(fc.jsonValue(), path, fc.boolean(), (json, p, wrap) => {
        expect(evaluateJsonPath({ path: p, json, wrap })).toStrictEqual(upstreamJsonPath({ path: p, json, wrap }));
      }),
      { numRuns: 500 },
    );
  });

  it('is what the interpreter calls, and the interpreter still evaluates paths correctly', async () => {
    expect(require('jsonpath-plus').JSONPath).toBe(evaluateJsonPath);
    const machine = new StateMachine({
      StartAt: 'Shape',
      States: {
        Shape: {
          Type: 'Pass',
          Parameters: {
            'title.$': '$.store.book[1].title',
            'n.$': '$.n',
            'cheap.$': '$.store.book[?(@.price < 10)].title',
            'input.$': '$$.Execution.Input.n',
          },
          End: true,
        },
      },
    });
    await expect(machine.run(document as never).result).resolves.toEqual({ title: 'b', n: 0, cheap: ['a'], input: 0 });
    await expect(
      new StateMachine({
        StartAt: 'Missing',
        States: { Missing: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true } },
      }).run(document as never).result,
    ).rejects.toThrow(/does not point to a value/);
  });
});
