import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONVERSATION_TOPICS, parseGenesysEvent } from '../../src/events/index.js';
import type { ConversationEvent } from '../../src/events/index.js';
import { factOf, projectConversation, ProjectionError } from '../../src/processing/index.js';
import type { ConversationFact } from '../../src/processing/index.js';
import { generateAnnotatedEvents } from '../../src/simulate/index.js';
import { conversationEvent, CONVERSATION_ID } from '../support/events.js';

const T0 = 1767268800000;

function fact(topic: Parameters<typeof conversationEvent>[0], body: Record<string, unknown>): ConversationFact {
  const parsed = parseGenesysEvent(conversationEvent(topic, body));
  if (!parsed.ok || parsed.event.kind !== 'conversation') throw new Error(JSON.stringify(parsed));
  return factOf(parsed.event);
}

/** An inbound voice call: IVR, queue, answered by an agent, hold, wrap-up. */
function answeredCall(): ConversationFact[] {
  return [
    fact('customer.start', { eventTime: T0, ani: 'tel:+15551230001', dnis: 'tel:+18005550100' }),
    fact('flow.start', { eventTime: T0 + 100, participantId: 'ivr', flowId: 'f1' }),
    fact('flow.end', { eventTime: T0 + 20_000, participantId: 'ivr', disconnectType: 'TRANSFER' }),
    fact('acd.start', { eventTime: T0 + 20_100, participantId: 'acd', queueId: 'queue-sales' }),
    fact('acd.end', { eventTime: T0 + 65_100, participantId: 'acd', queueId: 'queue-sales', acdOutcome: 'ANSWERED', connectedDurationMs: 45_000, disconnectType: 'TRANSFER' }),
    fact('user.start', { eventTime: T0 + 65_200, participantId: 'agent', userId: 'user-1', queueId: 'queue-sales' }),
    fact('user.end', { eventTime: T0 + 245_200, participantId: 'agent', userId: 'user-1', queueId: 'queue-sales', interactingDurationMs: 180_000, heldDurationMs: 30_000, disconnectType: 'CLIENT' }),
    fact('customer.end', { eventTime: T0 + 245_300, disconnectType: 'PEER', interactingDurationMs: 245_300 }),
    fact('acw', { eventTime: T0 + 275_200, participantId: 'agent', userId: 'user-1', queueId: 'queue-sales', wrapupCode: 'wc-sale', wrapupDurationMs: 30_000 }),
    fact('wrapup', { eventTime: T0 + 275_300, participantId: 'agent', queueId: 'queue-sales', wrapupCode: 'wc-sale', wrapupDurationMs: 30_000 }),
  ];
}

describe('projectConversation', () => {
  it('derives the figures of an answered call', () => {
    expect(projectConversation(answeredCall())).toEqual({
      conversationId: CONVERSATION_ID,
      state: 'ended',
      firstEventTime: T0,
      lastEventTime: T0 + 275_300,
      mediaType: 'VOICE',
      direction: 'INBOUND',
      ani: 'tel:+15551230001',
      dnis: 'tel:+18005550100',
      queueIds: ['queue-sales'],
      userIds: ['user-1'],
      queueWaitMs: 45_000,
      abandoned: false,
      interactingMs: 180_000,
      talkMs: 150_000,
      holdMs: 30_000,
      acwMs: 30_000, // the acw event's duration; the wrapup event of the same participant is not counted twice
      wrapupCodes: ['wc-sale'],
      disconnectType: 'PEER', // the customer's disconnect, not the agent's
      eventCount: 10,
      eventCounts: { 'customer.start': 1, 'flow.start': 1, 'flow.end': 1, 'acd.start': 1, 'acd.end': 1, 'user.start': 1, 'user.end': 1, 'customer.end': 1, acw: 1, wrapup: 1 },
    });
  });

  it('an abandoned call: acdOutcome ABANDON, wait from the ACD leg, no agent, still active until customer.end', () => {
    const facts = [
      fact('customer.start', { eventTime: T0 }),
      fact('acd.start', { eventTime: T0 + 1000, participantId: 'acd', queueId: 'q1' }),
      // no connectedDurationMs: the wait is end − start of the same ACD participant
      fact('acd.end', { eventTime: T0 + 31_000, participantId: 'acd', queueId: 'q1', acdOutcome: 'ABANDON' }),
    ];
    const active = projectConversation(facts);
    expect(active).toMatchObject({ state: 'active', abandoned: true, queueWaitMs: 30_000, userIds: [], talkMs: 0 });
    expect(active.disconnectType).toBeUndefined();
    const ended = projectConversation([...facts, fact('customer.end', { eventTime: T0 + 31_050, disconnectType: 'ENDPOINT' })]);
    expect(ended).toMatchObject({ state: 'ended', disconnectType: 'ENDPOINT' });
  });

  it('FLOW_OUT is not abandoned; a wrapup without acw counts as after-call work', () => {
    const projection = projectConversation([
      fact('acd.end', { eventTime: T0, participantId: 'acd', queueId: 'q1', acdOutcome: 'FLOW_OUT', connectedDurationMs: 5000 }),
      fact('wrapup', { eventTime: T0 + 10, participantId: 'agent-2', wrapupCode: 'wc-x', wrapupDurationMs: 7000 }),
    ]);
    expect(projection).toMatchObject({ abandoned: false, queueWaitMs: 5000, acwMs: 7000, wrapupCodes: ['wc-x'] });
  });

  it('refuses an empty set and mixed conversations', () => {
    expect(() => projectConversation([])).toThrow(ProjectionError);
    const other = fact('customer.start', { conversationId: '00000000-0000-4000-8000-000000000009' });
    expect(() => projectConversation([...answeredCall(), other])).toThrow(/two conversations/);
  });

  it('property: any order and any duplicates give the same projection (hand-built conversation)', () => {
    const facts = answeredCall();
    fc.assert(
      fc.property(fc.shuffledSubarray(facts, { minLength: facts.length }), fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 20 }), (shuffled, dupes) => {
        const delivered = [...shuffled];
        for (const i of dupes) delivered.splice(i % (delivered.length + 1), 0, facts[i]!);
        expect(projectConversation(delivered)).toEqual(projectConversation(facts));
      }),
      { numRuns: 300 },
    );
  });

  it('property: arbitrary facts — order- and duplicate-insensitive', () => {
    const factArb = fc.record(
      {
        topic: fc.constantFrom(...CONVERSATION_TOPICS),
        eventTime: fc.integer({ min: T0, max: T0 + 3_600_000 }),
        participantId: fc.constantFrom('p1', 'p2', 'p3'),
        queueId: fc.constantFrom('q1', 'q2'),
        userId: fc.constantFrom('u1', 'u2'),
        acdOutcome: fc.constantFrom('ANSWERED', 'ABANDON', 'FLOW_OUT'),
        disconnectType: fc.constantFrom('CLIENT', 'PEER', 'ENDPOINT'),
        connectedDurationMs: fc.nat({ max: 600_000 }),
        interactingDurationMs: fc.nat({ max: 600_000 }),
        heldDurationMs: fc.nat({ max: 600_000 }),
        wrapupDurationMs: fc.nat({ max: 600_000 }),
        wrapupCode: fc.constantFrom('w1', 'w2'),
        mediaType: fc.constantFrom('VOICE', 'CHAT'),
        ani: fc.constantFrom('tel:+1', 'tel:+2'),
      },
      { requiredKeys: ['topic', 'eventTime'] },
    );
    const factsArb = fc
      .uniqueArray(fc.tuple(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 }), factArb), { minLength: 1, maxLength: 30, selector: ([key]) => key })
      .map((items) => items.map(([key, f]) => ({ ...f, key, conversationId: 'c1' }) as ConversationFact));
    fc.assert(
      fc.property(
        factsArb.chain((facts) => fc.tuple(fc.constant(facts), fc.shuffledSubarray(facts, { minLength: facts.length }), fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 10 }))),
        ([facts, shuffled, dupes]) => {
          const delivered = [...shuffled, ...dupes.map((i) => facts[i]!)];
          const expected = projectConversation(facts);
          expect(projectConversation(delivered)).toEqual(expected);
          expect(projectConversation([...delivered].reverse())).toEqual(expected);
          expect(expected.eventCount).toBe(facts.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: simulated conversations project the same whatever the delivery order and re-deliveries', () => {
    const byConversation = new Map<string, ConversationFact[]>();
    for (const { line, fault } of generateAnnotatedEvents({ conversations: 20, seed: 11 })) {
      if (fault) continue;
      const parsed = parseGenesysEvent(line);
      if (!parsed.ok || parsed.event.kind !== 'conversation') throw new Error('simulator produced an invalid clean event');
      const f = factOf(parsed.event as ConversationEvent);
      byConversation.set(f.conversationId, [...(byConversation.get(f.conversationId) ?? []), f]);
    }
    expect(byConversation.size).toBe(20);
    for (const facts of byConversation.values()) {
      const expected = projectConversation(facts);
      fc.assert(
        fc.property(fc.shuffledSubarray(facts, { minLength: facts.length }), fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 8 }), (shuffled, dupes) => {
          expect(projectConversation([...dupes.map((i) => facts[i]!), ...shuffled])).toEqual(expected);
        }),
        { numRuns: 25 },
      );
    }
  });
});
