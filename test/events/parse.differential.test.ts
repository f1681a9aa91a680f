/**
 * parseGenesysEvent validates valid events with parsers compiled from the zod schemas, and falls
 * back to zod for anything else. Its result must be exactly the pure-zod result for every input:
 * same `ok`, same event (envelope, body, key, ids, topics — and the same key order), same
 * problems in the same order. Checked here on the simulator's events, on random changes to them
 * and to hand-built events, and on odd inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONVERSATION_TOPICS,
  GENERIC_CONVERSATION_TOPICS,
  MAX_EVENT_BYTES,
  parseGenesysEvent,
  parseGenesysEventText,
} from '../../src/events/index.js';
import { parseGenesysEventWithZod } from '../../src/events/parse.js';
import { generateEvents } from '../../src/simulate/index.js';
import {
  CONVERSATION_ID,
  SOURCE,
  activityEvent,
  auditEvent,
  conversationEvent,
  presenceEvent,
  routingStatusEvent,
  transcriptionEvent,
} from '../support/events.js';
import { expectSameValue } from './same-value.js';

/** Both parsers agree on `input`, given as it is; for text, parseGenesysEventText agrees too. */
function expectAgreement(input: string | object): void {
  const expected = parseGenesysEventWithZod(input);
  expectSameValue(parseGenesysEvent(input), expected);
  if (typeof input === 'string') {
    const { result, value } = parseGenesysEventText(input);
    expectSameValue(result, expected);
    let json: unknown;
    try {
      json = input.length <= MAX_EVENT_BYTES ? JSON.parse(input) : undefined;
    } catch {
      json = undefined;
    }
    expectSameValue(value, Buffer.byteLength(input) > MAX_EVENT_BYTES ? undefined : json);
  }
}

const simulated = [
  ...generateEvents({
    conversations: 60,
    seed: 11,
    duplicates: 0.02,
    outOfOrder: 0.05,
    malformed: 0.08,
    oversized: 0.005,
  }),
];
const simulatedObjects = simulated.flatMap((line) => {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Buffer.byteLength(line) <= MAX_EVENT_BYTES
      ? [value as Record<string, unknown>]
      : [];
  } catch {
    return [];
  }
});

const OTHER_EVENT = {
  ...conversationEvent('acd.end'),
  'detail-type': 'v2.analytics.conversation.{id}.metrics',
  detail: {
    topicName: 'v2.analytics.conversation.278522be-1683-4877-8257-4164a177be89.metrics',
    version: '2',
    eventBody: { eventTime: '2021-06-25T15:11:52.000Z', action: 'Update', nested: { list: [1, { a: null }] } },
  },
};

/** One hand-made event of each typed family besides conversation (every field of its SDK model). */
const FAMILY_EVENTS = [presenceEvent(), routingStatusEvent(), activityEvent(), auditEvent(), transcriptionEvent()];

/** Valid events to start from: simulated ones, and hand-built ones of every topic and of an "other" topic. */
const bases: Record<string, unknown>[] = [
  ...simulatedObjects.filter((value) => parseGenesysEventWithZod(value).ok).slice(0, 150),
  ...CONVERSATION_TOPICS.map((topic) =>
    conversationEvent(topic, {
      queueId: 'q',
      requestedRoutings: ['Standard'],
      flowMilestones: [{ milestoneId: 'm', milestoneTime: 1 }],
      attributes: { a: 'b' },
      journeyContext: { sessionId: 's' },
    }),
  ),
  OTHER_EVENT,
  ...FAMILY_EVENTS,
];

/** Values on the edges of what the schemas take, and plain JSON. */
const eventValue = fc
  .oneof(
    fc.constantFrom<unknown>(
      '',
      'x',
      '0',
      '2026-01-01T12:00:00Z',
      '2026-01-01T12:00:00.123Z',
      '2024-02-29T12:00:00+01:00',
      '2026-02-29T12:00:00Z',
      '2026-01-01T12:00:00',
      '2026-01-01T25:00:00Z',
      '2026-01-01t12:00:00z',
      SOURCE,
      'aws.partner/genesys.com/cloud//x',
      'aws.partner/genesys.com/cloud/o/s/t',
      'genesys.cloud',
      'Conversation Updated',
      ...GENERIC_CONVERSATION_TOPICS.slice(0, 4),
      'v2.users.{id}.presence',
      'v2.users.u1.presence',
      'v2.quality.evaluations',
      'ON_QUEUE',
      'INTERACTING',
      `v2.detail.events.conversation.${CONVERSATION_ID}.acd.end`,
      `v2.detail.events.conversation.other-id.acd.end`,
      'v2.detail.events.conversation.{id}.summary.ready',
      CONVERSATION_ID,
      'VOICE',
      'ANSWERED',
      0,
      -0,
      -1,
      1.5,
      2 ** 53,
      2 ** 53 - 1,
      1767268800000,
      1e21,
      true,
      false,
      null,
      [],
      {},
      ['s'],
      [1],
      { CorrelationId: 1 },
      { milestoneId: 2 },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  )
  .map((value) => structuredClone(value));

/** Values only an object input (not JSON text) can carry. */
const objectOnlyValue = fc
  .constantFrom<() => unknown>(
    () => undefined,
    () => NaN,
    () => Infinity,
    () => new Date(0),
    () => Object.create(null) as object,
    () => Object.assign(new Array<string>(2), { 1: 's' }),
    () => () => 1,
  )
  .map((make) => make());

const KEYS = [
  'version',
  'id',
  'detail-type',
  'source',
  'time',
  'resources',
  'detail',
  'topicName',
  'eventBody',
  'metadata',
  'timestamp',
  'eventTime',
  'conversationId',
  'mediaType',
  'queueId',
  'attributes',
  '__proto__',
  'constructor',
  '0',
  '10',
  'toString',
];

function changedEvent(json: boolean) {
  const change = fc.record({
    at: fc.nat(),
    op: fc.constantFrom('delete', 'set', 'add', 'reverse', 'topic'),
    key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 3 })),
    value: json ? eventValue : fc.oneof(eventValue, objectOnlyValue),
    topic: fc.constantFrom(...CONVERSATION_TOPICS, 'other', 'no-id'),
  });
  return fc
    .tuple(fc.constantFrom(...bases), fc.array(change, { minLength: 0, maxLength: 3 }))
    .map(([base, changes]) => {
      const event = structuredClone(base);
      for (const c of changes) applyChange(event, c);
      return event;
    });
}

function containers(value: unknown, out: object[] = []): object[] {
  if (
    typeof value !== 'object' ||
    value === null ||
    !(Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)
  )
    return out;
  out.push(value);
  for (const child of Object.values(value)) containers(child, out);
  return out;
}

function applyChange(
  event: Record<string, unknown>,
  c: { at: number; op: string; key: string; value: unknown; topic: string },
): void {
  if (c.op === 'topic') {
    // Another topic, consistent or not with the rest (conversation id, body fields).
    const detail =
      typeof event.detail === 'object' && event.detail !== null ? (event.detail as Record<string, unknown>) : undefined;
    if (c.topic === 'other') {
      event['detail-type'] = 'v2.users.{id}.presence';
      if (detail) detail.topicName = c.at % 2 ? 'v2.users.u1.presence' : 'v2.users.presence';
    } else if (c.topic === 'no-id') {
      // Looks like a topic name, but generic names have an {id}.
      event['detail-type'] = c.at % 2 ? 'v2.users.presence' : 'v2.detail.events.conversation.x.acd.end';
      if (detail) detail.topicName = event['detail-type'];
    } else {
      event['detail-type'] = `v2.detail.events.conversation.{id}.${c.topic}`;
      if (detail && c.at % 3)
        detail.topicName = `v2.detail.events.conversation.${c.at % 3 === 1 ? CONVERSATION_ID : 'another-id'}.${c.topic}`;
    }
    return;
  }
  const all = containers(event);
  const target = all[c.at % all.length] as Record<string, unknown>;
  const keys = Object.keys(target);
  const existing = keys.length ? keys[c.at % keys.length]! : c.key;
  // Own data properties, as JSON.parse makes them (assigning __proto__ would set the prototype).
  const define = (key: string, value: unknown) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  if (c.op === 'delete') delete target[existing];
  else if (c.op === 'set') define(existing, c.value);
  else if (c.op === 'add') define(Array.isArray(target) ? String(keys.length) : c.key, c.value);
  else if (Array.isArray(target)) target.reverse();
  else {
    const entries = keys.reverse().map((k) => [k, target[k]] as const);
    for (const k of keys) delete target[k];
    for (const [k, v] of entries) define(k, v);
  }
}

describe('parseGenesysEvent (compiled fast path) = parseGenesysEventWithZod (zod alone)', () => {
  it('on the simulator’s events, faults included, as text and as objects', () => {
    expect(simulated.length).toBeGreaterThan(300);
    for (const line of simulated) expectAgreement(line);
    for (const value of simulatedObjects) expectAgreement(value);
  });

  it('on random changes to valid events, as JSON text', () => {
    const seen = { ok: 0, invalid: 0 };
    fc.assert(
      fc.property(changedEvent(true), (event) => {
        const text = JSON.stringify(event);
        seen[parseGenesysEventWithZod(text).ok ? 'ok' : 'invalid']++;
        expectAgreement(text);
        expectAgreement(JSON.parse(text) as object);
      }),
      { numRuns: 2500 },
    );
    expect(Math.min(seen.ok, seen.invalid)).toBeGreaterThan(250); // both outcomes are exercised
  });

  it('on random changes to valid events, as objects (values JSON cannot hold included)', () => {
    fc.assert(
      fc.property(changedEvent(false), (event) => {
        expectAgreement(event);
      }),
      { numRuns: 2500 },
    );
  });

  it('on hand-built edge cases', () => {
    const cases: (string | object)[] = [
      '',
      '   ',
      'null',
      '42',
      '"text"',
      '[]',
      '[{}]',
      '{}',
      '{"__proto__": {"version": "0"}}',
      '{"detail": null}',
      JSON.stringify(conversationEvent('acd.end', { conversationId: undefined })),
      JSON.stringify(
        conversationEvent('acd.end', { heldDurationMs: -1, connectedDurationMs: 1.5, routingPriority: 2 ** 53 }),
      ),
      JSON.stringify(conversationEvent('acd.end', { eventTime: '1767268800000' })),
      JSON.stringify(conversationEvent('acd.end', {}, { time: '2026-01-01T12:00:00' })),
      JSON.stringify(
        conversationEvent('acd.end', {}, { source: 'genesys.cloud', 'detail-type': 'Conversation Updated' }),
      ),
      JSON.stringify(conversationEvent('user.end', { newField: { deep: [1, 2] }, '10': 'numeric key', '0': 0 })),
      JSON.stringify(conversationEvent('attributes', { attributes: { a: 'b', __proto__: 'x', n: 1 } })),
      // Keys in an order other than the schemas': the output must still be in zod's order.
      JSON.stringify(Object.fromEntries(Object.entries(conversationEvent('acd.end', { queueId: 'q' })).reverse())),
      `{"version":"0","id":"i","detail-type":"v2.detail.events.conversation.{id}.acd.end","source":"${SOURCE}","account":"1","time":"2026-01-01T12:00:00Z","region":"r","resources":[],"detail":{"eventBody":{"conversationId":"${CONVERSATION_ID}","__proto__":{"a":1},"eventTime":1},"topicName":"v2.detail.events.conversation.${CONVERSATION_ID}.acd.end","version":"2"},"__proto__":1}`,
      OTHER_EVENT,
      [1, 2],
      Object.create(null) as object,
      Object.assign(Object.create({ version: '0' }) as object, conversationEvent('acd.end')),
      { ...conversationEvent('acd.end'), toJSON: () => ({}) },
      new Date(0),
    ];
    for (const input of cases) expectAgreement(input);
  });

  it('on events near and over the 256 KiB limit', () => {
    const near = conversationEvent('attributes', { attributes: { blob: 'x'.repeat(MAX_EVENT_BYTES - 1_000) } });
    const over = conversationEvent('attributes', { attributes: { blob: 'é'.repeat(MAX_EVENT_BYTES / 2) } });
    expect(parseGenesysEvent(JSON.stringify(near)).ok).toBe(true);
    expect(parseGenesysEvent(JSON.stringify(over)).ok).toBe(false);
    for (const input of [near, over, JSON.stringify(near), JSON.stringify(over)]) expectAgreement(input);
  });

  it('on arbitrary text and values', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
        ),
        (text) => expectAgreement(text),
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.anything(), (value) => expectAgreement(value as object)),
      { numRuns: 500 },
    );
  });
});
