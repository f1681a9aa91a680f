/**
 * compileSchema must give exactly zod's output (same values, same keys in the same order, same
 * sharing of unknown values) whenever it vouches for an input, never vouch for an input zod
 * rejects, and vouch for every JSON input zod accepts; what it does not reproduce it refuses.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CONVERSATION_BODY_SCHEMAS,
  DetailSchema,
  EnvelopeSchema,
  canonicalJson,
  parseGenesysEvent,
} from '../../src/events/index.js';
import { conversationEvent } from '../support/events.js';
import { projectRoot } from '../support/paths.js';
import { UNDECIDED, compileSchema } from '../../src/events/compiled-schema.js';
import { UnsupportedSchemaError } from '../../src/events/errors.js';
import { expectSameValue } from './same-value.js';

/** Schemas using every feature the compiler reproduces. */
const SCHEMAS = {
  loose: z.looseObject({
    id: z.string().min(2),
    n: z.number().int().nonnegative(),
    at: z.iso.datetime({ offset: true }).optional(),
    flag: z.boolean().optional(),
    tags: z.array(z.string()).optional(),
    any: z.unknown(),
    nested: z
      .looseObject({ x: z.number().gt(-1).lt(10).optional(), y: z.string().regex(/^y+$/).optional() })
      .optional(),
    map: z.record(z.string(), z.string()).optional(),
    list: z.array(z.looseObject({ k: z.string().optional() })).optional(),
    constructor: z.string().optional(), // a key of Object.prototype
  }),
  strip: z.object({ a: z.string(), b: z.number().lte(5).optional(), c: z.array(z.string().optional()).optional() }),
  strict: z.strictObject({ a: z.string().optional(), b: z.unknown().optional() }),
  record: z.record(z.string(), z.unknown()),
  array: z.array(z.number().int()),
  string: z.string().min(3),
  envelope: EnvelopeSchema,
  detail: DetailSchema,
  acdEnd: CONVERSATION_BODY_SCHEMAS['acd.end'],
  flowOutcome: CONVERSATION_BODY_SCHEMAS['flow.outcome'],
  attributes: CONVERSATION_BODY_SCHEMAS.attributes,
} satisfies Record<string, z.ZodType>;

const valid = {
  loose: {
    id: 'ab',
    n: 3,
    at: '2024-02-29T12:00:00.5+01:00',
    flag: true,
    tags: ['t'],
    any: { deep: [1] },
    nested: { x: 0, y: 'yy' },
    map: { k: 'v' },
    list: [{ k: 'a', extra: 1 }],
    constructor: 'c',
    extra: null,
  },
  strip: { a: 'x', b: 5, c: ['s'], extra: 1 },
  strict: { a: 'x', b: [1] },
  record: { a: 1, b: { c: [] } },
  array: [1, -2, 3],
  string: 'abc',
  envelope: EnvelopeSchema.parse({
    version: '0',
    id: 'i',
    'detail-type': 't',
    source: 'aws.partner/genesys.com/cloud/o/s',
    account: '1',
    time: '2026-01-01T12:00:00Z',
    region: 'r',
    resources: ['x'],
    detail: {
      topicName: 't',
      version: '2',
      eventBody: { eventTime: 1 },
      metadata: { CorrelationId: 'c' },
      timestamp: '2026-01-01T12:00:00.123Z',
    },
  }),
  detail: { topicName: 't', version: '2', eventBody: { a: 1 } },
  acdEnd: {
    eventTime: 1,
    conversationId: 'c',
    acdOutcome: 'ANSWERED',
    requestedRoutings: ['Standard'],
    connectedDurationMs: 0,
    newField: { x: 1 },
  },
  flowOutcome: {
    eventTime: 1,
    conversationId: 'c',
    flowMilestones: [{ milestoneId: 'm', milestoneTime: 2 }],
    flowOutcomeValue: 'SUCCESS',
  },
  attributes: {
    eventTime: 1,
    conversationId: 'c',
    attributes: { a: 'b' },
    communications: [{ id: 'x', mediaType: 'VOICE' }],
  },
} satisfies Record<keyof typeof SCHEMAS, unknown>;

type Name = keyof typeof SCHEMAS;
const NAMES = Object.keys(SCHEMAS) as Name[];
const compiled = Object.fromEntries(NAMES.map((name) => [name, compileSchema(SCHEMAS[name], { canonicalJson })])) as {
  [N in Name]: ReturnType<typeof compileSchema>;
};

/** Values that sit on the edges of the checks above (fresh each time: the changes below mutate them). */
const edgeValue = fc
  .constantFrom<unknown>(
    '',
    'a',
    'ab',
    '\ud83d\ude00',
    '\ud83d',
    'yy',
    'y',
    'x',
    'v',
    '2026-01-01T12:00:00Z',
    '2024-02-29T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-01-01T12:00:00.1234+01:00',
    '2026-01-01T24:00:00Z',
    '2026-01-01T12:00Z',
    '2026-01-01T12:00:00',
    '2026-01-01T12:00:00z',
    'aws.partner/genesys.com/cloud/o/s',
    'aws.partner/genesys.com/cloud/o/s/x',
    0,
    -0,
    -1,
    1.5,
    5,
    6,
    9,
    10,
    -1e-9,
    2 ** 53,
    2 ** 53 - 1,
    -(2 ** 53),
    1e21,
    true,
    false,
    null,
    [],
    {},
    ['s'],
    [1],
    [{}],
    { k: 'v' },
    { x: 1 },
  )
  .map((v) => structuredClone(v));
/** Values JSON cannot hold: for the `parse` (any input) path only. */
const oddValue = fc
  .constantFrom<() => unknown>(
    () => undefined,
    () => NaN,
    () => Infinity,
    () => -Infinity,
    () => () => 1,
    () => Symbol('s'),
    () => new Date(0),
    () => Object.create(null) as object,
    () => Object.assign(new Array<string>(2), { 1: 's' }),
    () => new String('s'),
    () => 1n,
    () => Object.assign(Object.create(null) as object, { k: 'v' }),
  )
  .map((make) => make());

/** A valid value with a few changes: keys removed, replaced, added (odd names too), order reversed. */
function mutated(json: boolean) {
  const value = json
    ? fc.oneof(edgeValue, fc.jsonValue({ maxDepth: 2 }))
    : fc.oneof(edgeValue, oddValue, fc.jsonValue({ maxDepth: 2 }));
  const key = fc.oneof(
    fc.constantFrom(
      'id',
      'n',
      'at',
      'a',
      'b',
      'x',
      'k',
      'eventTime',
      'conversationId',
      'detail',
      'eventBody',
      '__proto__',
      'constructor',
      '0',
      '10',
      'toString',
    ),
    fc.string({ maxLength: 3 }),
  );
  const change = fc.record({ at: fc.nat(), op: fc.constantFrom('delete', 'set', 'add', 'reverse'), key, value });
  return fc.tuple(fc.constantFrom(...NAMES), fc.array(change, { maxLength: 4 })).map(([name, changes]) => {
    const input = structuredClone(valid[name]) as unknown;
    for (const c of changes) applyChange(input, c);
    return { name, input: json ? (JSON.parse(JSON.stringify(input) ?? 'null') as unknown) : input };
  });
}

function containers(value: unknown, out: object[] = []): object[] {
  if (typeof value !== 'object' || value === null) return out;
  out.push(value);
  for (const child of Object.values(value)) containers(child, out);
  return out;
}

function applyChange(root: unknown, c: { at: number; op: string; key: string; value: unknown }): void {
  const all = containers(root);
  if (all.length === 0) return;
  const target = all[c.at % all.length] as Record<string, unknown>;
  if (!(Array.isArray(target) || [Object.prototype, null].includes(Object.getPrototypeOf(target) as object | null)))
    return; // leave odd objects as they are
  const keys = Object.keys(target);
  const existing = keys.length ? keys[c.at % keys.length]! : c.key;
  // Own data properties, as JSON.parse makes them (an assignment to __proto__ would set the prototype).
  const define = (key: string, value: unknown) => {
    if (Object.getOwnPropertyDescriptor(target, key)?.configurable === false) return; // a boxed string's characters, say
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  };
  if (c.op === 'delete') delete target[existing];
  else if (c.op === 'set') define(existing, c.value);
  else if (c.op === 'add') define(Array.isArray(target) ? String(keys.length) : c.key, c.value);
  else if (!Array.isArray(target)) {
    const entries = keys.reverse().map((k) => [k, target[k]] as const);
    for (const k of keys) delete target[k];
    for (const [k, v] of entries) define(k, v);
  } else target.reverse();
}

function zodResult(name: Name, input: unknown): { ok: true; data: unknown } | { ok: false } {
  const result = SCHEMAS[name].safeParse(input);
  return result.success ? { ok: true, data: result.data } : { ok: false };
}

describe('compileSchema', () => {
  it('compiles every event schema', () => {
    for (const schema of [EnvelopeSchema, DetailSchema, ...Object.values(CONVERSATION_BODY_SCHEMAS)])
      expect(() => compileSchema(schema)).not.toThrow();
  });

  it('gives zod’s output for valid values, key order and undeclared fields included', () => {
    for (const name of NAMES) {
      const expected = zodResult(name, valid[name]);
      expect(expected.ok, name).toBe(true);
      if (!expected.ok) continue;
      expectSameValue(compiled[name].parse(valid[name]), expected.data);
      expectSameValue(compiled[name].parseJson(valid[name]), expected.data);
    }
  });

  it('on any input: vouches only for what zod accepts, with zod’s very output', () => {
    const seen = { vouched: 0, zodAccepted: 0, zodRejected: 0 };
    fc.assert(
      fc.property(mutated(false), ({ name, input }) => {
        const fast = compiled[name].parse(input);
        const expected = zodResult(name, input);
        seen[expected.ok ? 'zodAccepted' : 'zodRejected']++;
        if (fast === UNDECIDED) return;
        seen.vouched++;
        expect(expected.ok).toBe(true);
        if (expected.ok) expectSameValue(fast, expected.data);
      }),
      { numRuns: 4000 },
    );
    // Not vacuous: both outcomes are common, and the compiled schema vouches for most valid inputs.
    expect(seen.zodRejected).toBeGreaterThan(400);
    expect(seen.vouched).toBeGreaterThan(seen.zodAccepted * 0.9);
  });

  it('on JSON input: vouches for exactly what zod accepts, with zod’s output and the input’s canonical JSON', () => {
    const seen = { zodAccepted: 0, zodRejected: 0 };
    fc.assert(
      fc.property(mutated(true), ({ name, input }) => {
        const expected = zodResult(name, input);
        seen[expected.ok ? 'zodAccepted' : 'zodRejected']++;
        const fast = compiled[name].parseJson(input);
        const any = compiled[name].parse(input);
        const withCanonical = compiled[name].parseJsonCanonical!(input);
        expect(fast === UNDECIDED).toBe(!expected.ok);
        expect(any === UNDECIDED).toBe(!expected.ok);
        expect(withCanonical === UNDECIDED).toBe(!expected.ok);
        if (!expected.ok || withCanonical === UNDECIDED) return;
        expectSameValue(fast, expected.data);
        expectSameValue(any, expected.data);
        expectSameValue(withCanonical.value, expected.data);
        expect(withCanonical.canonical).toBe(canonicalJson(input));
      }),
      { numRuns: 4000 },
    );
    expect(Math.min(seen.zodAccepted, seen.zodRejected)).toBeGreaterThan(400);
  });

  it('shares the input’s values where zod shares them (unknown values), copies where zod copies', () => {
    const input = JSON.parse(JSON.stringify(valid.loose)) as typeof valid.loose;
    const fast = compiled.loose.parseJson(input) as typeof valid.loose;
    const zod = SCHEMAS.loose.parse(input) as typeof valid.loose;
    for (const out of [fast, zod]) {
      expect(out).not.toBe(input);
      expect(out.any).toBe(input.any);
      expect(out.tags).not.toBe(input.tags);
      expect(out.nested).not.toBe(input.nested);
      expect(out.list![0]).not.toBe(input.list[0]);
    }
  });

  it('counts string lengths in code points, as zod does', () => {
    const min2 = compileSchema(z.string().min(2));
    for (const text of ['ab', '\ud83d\ude00', '\ud83d\ude00x', 'a\ud83d', '\ud83d\ud83d', 'a']) {
      expect(min2.parse(text) !== UNDECIDED, JSON.stringify(text)).toBe(z.string().min(2).safeParse(text).success);
    }
  });

  it('takes the checks a schema is itself (z.int()), as zod does', () => {
    const int = compileSchema(z.looseObject({ n: z.int(), m: z.int().nonnegative().optional() }));
    for (const input of [{ n: 1 }, { n: 1.5 }, { n: 2 ** 53 }, { n: 1, m: -1 }, { n: -3, m: 0 }]) {
      const zod = z.looseObject({ n: z.int(), m: z.int().nonnegative().optional() }).safeParse(input);
      expect(int.parse(input) === UNDECIDED, JSON.stringify(input)).toBe(!zod.success);
    }
  });

  it('where code generation is disallowed, refuses to compile, and parseGenesysEvent falls back to zod', () => {
    const line = JSON.stringify(conversationEvent('acd.end', { acdOutcome: 'ANSWERED' }));
    const script = `
      const { compileSchema } = await import('./src/events/compiled-schema.ts');
      const { EnvelopeSchema, parseGenesysEvent } = await import('./src/events/index.ts');
      let refused;
      try { compileSchema(EnvelopeSchema); } catch (error) { refused = error.name + ': ' + error.message; }
      console.log(JSON.stringify({ refused, result: parseGenesysEvent(process.argv[1]) }));`;
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script, line],
      { encoding: 'utf8', cwd: projectRoot },
    );
    const { refused, result } = JSON.parse(out) as { refused: string; result: unknown };
    expect(refused).toMatch(/^UnsupportedSchemaError: Cannot compile the zod schema at \$: generated code/);
    expect(result).toEqual(JSON.parse(JSON.stringify(parseGenesysEvent(line))));
  });

  it('refuses the zod features it does not reproduce, saying where', () => {
    const Tree: z.ZodType = z.looseObject({
      get children() {
        return z.array(Tree).optional();
      },
    });
    const unsupported: [z.ZodType, string][] = [
      [z.looseObject({ a: z.string().trim() }), '$.a'],
      [z.looseObject({ a: z.email() }), '$.a'],
      [z.string().max(3), '$'],
      [z.looseObject({ n: z.number().default(1) }), '$.n'],
      [z.union([z.string(), z.number()]), '$'],
      [z.string().transform((s) => s.length), '$'],
      [z.looseObject({ a: z.string() }).refine(() => true), '$'],
      [z.coerce.number(), '$'],
      [z.array(z.string().nullable()), '$[]'],
      [z.record(z.enum(['a', 'b']), z.string()), '$'],
      [z.object({ a: z.string() }).catchall(z.string()), '$'],
      [z.looseObject({ list: z.array(z.number().multipleOf(2)) }), '$.list[]'],
      [z.looseObject({ n: z.uint32() }), '$.n'],
      [z.looseObject({ s: z.string().startsWith('x') }), '$.s'],
      [Tree, '$.children[]'],
    ];
    for (const [schema, at] of unsupported) {
      let error: unknown;
      try {
        compileSchema(schema);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UnsupportedSchemaError);
      expect((error as UnsupportedSchemaError).at).toBe(at);
      expect((error as Error).message).toMatch(/is not supported; validate it with zod/);
    }
  });
});
