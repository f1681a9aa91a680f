import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, eventKey, parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import { conversationEvent } from '../support/events.js';

function parsed(input: object): GenesysEvent {
  const result = parseGenesysEvent(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
}

describe('canonicalJson', () => {
  it('sorts keys recursively and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
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

describe('event identity', () => {
  it('is SHA-256 over topicName and the canonical body', () => {
    const key = eventKey('v2.detail.events.conversation.c1.acd.end', { b: 2, a: 1 });
    expect(key).toBe(eventKey('v2.detail.events.conversation.c1.acd.end', { a: 1, b: 2 }));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(eventKey('v2.detail.events.conversation.c1.acd.start', { a: 1, b: 2 }));
  });

  it('gives a re-sent event (new envelope id and time, same detail) the same key', () => {
    const original = conversationEvent('acd.end', { acdOutcome: 'ANSWERED' });
    const resent: Record<string, unknown> = { ...structuredClone(original), id: 'another-envelope-id', time: '2026-01-03T08:00:00Z' };
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
