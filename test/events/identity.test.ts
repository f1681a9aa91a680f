import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, eventKey, parseGenesysEvent } from '../../src/events/index.js';
import { eventKeyOfCanonicalBody } from '../../src/events/identity.js';
import type { GenesysEvent } from '../../src/events/index.js';
import { conversationEvent } from '../support/events.js';
import { outcome, Point } from '../support/values.js';

/**
 * The first version of canonicalJson and eventKey, kept as the reference: stored idempotency
 * keys were made by it, so the current (faster) one must give the very same text for any value.
 */
function firstCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : firstCanonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    members.push(`${JSON.stringify(key)}:${firstCanonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

function firstEventKey(topicName: string, eventBody: unknown): string {
  return createHash('sha256').update(topicName).update('\n').update(firstCanonicalJson(eventBody)).digest('hex');
}
/** Any value, JSON and odd: holes, undefined, functions, symbols, boxed values, class instances, bigint, … */
const anyValue = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.anything({
      withBoxedValues: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withObjectString: true,
      withTypedArray: true,
    }),
    fc.constantFrom<unknown>(
      undefined,
      NaN,
      -0,
      1e21,
      () => 1,
      Symbol('s'),
      new Point(1, 2),
      Object.assign(new Array<number>(3), { 0: 1, 2: 3 }),
    ),
    fc.string({ unit: 'binary' }), // lone surrogates too
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.string({ maxLength: 3, unit: 'binary' }),
        fc.constantFrom('0', '10', '9', '__proto__', 'toJSON', 'a"b', 'é'),
      ),
      tie('v'),
      { maxKeys: 5 },
    ),
  ),
})).v;

function parsed(input: object): GenesysEvent {
  const result = parseGenesysEvent(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
}

describe('canonicalJson', () => {
  it('sorts keys recursively and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('is equal for equal values whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const shuffled = JSON.parse(JSON.stringify(value), function (this: unknown, _key, v: unknown) {
          if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).reverse());
          return v;
        }) as unknown;
        expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('canonicalJson and eventKey never change (stored keys depend on them)', () => {
  it('canonicalJson equals the first version on any value, odd ones included (or throws as it did)', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(outcome(() => canonicalJson(value))).toStrictEqual(outcome(() => firstCanonicalJson(value)));
      }),
      { numRuns: 3000 },
    );
  });

  it('eventKey equals the first version, lone surrogates at the seams included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), anyValue, (topicName, body) => {
        expect(outcome(() => eventKey(topicName, body))).toStrictEqual(outcome(() => firstEventKey(topicName, body)));
        const canonical = outcome(() => canonicalJson(body));
        if ('value' in canonical)
          expect(eventKeyOfCanonicalBody(topicName, canonical.value as string)).toBe(eventKey(topicName, body));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the keys the first version gave (recorded)', () => {
    const recorded: [string, unknown, string][] = [
      [
        'v2.detail.events.conversation.c1.acd.end',
        { b: 2, a: 1 },
        'd3aca9a2ac1b6f843508bdc3745c606482a13f8e4ec5448010676057167390a6',
      ],
      [
        'v2.detail.events.conversation.5f1c2d3e-4a5b-4c6d-8e7f-9a8b7c6d5e4f.acd.end',
        {
          eventTime: 1767268800000,
          conversationId: '5f1c2d3e-4a5b-4c6d-8e7f-9a8b7c6d5e4f',
          acdOutcome: 'ANSWERED',
          requestedRoutings: ['Standard', 'Bullseye'],
          connectedDurationMs: 0,
        },
        'c53c080b956bdf0e1a5ead65cb86a388a3061171a554bef9e92ab296c0d20820',
      ],
      [
        'v2.users.u1.presence',
        {
          é: 'ü\u2028',
          z: [null, true, -0, 1e21, 0.1, { y: '"\\\n\u0001', x: [] }],
          '': {},
          '10': 1,
          '9': 2,
          emoji: '😀',
          lone: '\ud800x',
        },
        'c3830430baa94b00945d68ea880c47a280fe7f430e135642aff362844c42f7fd',
      ],
      ['v2.t.\ud800', { '\udc00': 1 }, '269434b3a51396796e8db386e20ee4537ea2d13c61a73a341bfb62ec1f98ff11'],
    ];
    for (const [topicName, body, key] of recorded) expect(eventKey(topicName, body)).toBe(key);
  });
});

describe('event identity', () => {
  it('is SHA-256 over topicName and the canonical body', () => {
    const key = eventKey('v2.detail.events.conversation.c1.acd.end', { b: 2, a: 1 });
    expect(key).toBe(eventKey('v2.detail.events.conversation.c1.acd.end', { a: 1, b: 2 }));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(eventKey('v2.detail.events.conversation.c1.acd.start', { a: 1, b: 2 }));
  });

  it('gives a re-sent event (new envelope id and time, same detail) the same key', () => {
    const original = conversationEvent('acd.end', { acdOutcome: 'ANSWERED' });
    const resent: Record<string, unknown> = {
      ...structuredClone(original),
      id: 'another-envelope-id',
      time: '2026-01-03T08:00:00Z',
    };
    (resent.detail as Record<string, unknown>).timestamp = '2026-01-03T08:00:00.999Z';
    expect(parsed(resent).key).toBe(parsed(original).key);
  });

  it('gives the many events of one conversation different keys (never key on the conversation id)', () => {
    const events = [
      conversationEvent('customer.start'),
      conversationEvent('acd.start', { queueId: 'q1' }),
      conversationEvent('acd.end', { queueId: 'q1', acdOutcome: 'ANSWERED' }),
      conversationEvent('user.start', { userId: 'u1' }),
      conversationEvent('user.end', { userId: 'u1' }),
      conversationEvent('user.start', { userId: 'u1', eventTime: 1767268900000 }),
    ];
    const keys = events.map((e) => parsed(e).key);
    expect(new Set(keys).size).toBe(events.length);
  });
});
