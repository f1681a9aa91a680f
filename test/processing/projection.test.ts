import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONVERSATION_TOPICS, parseGenesysEvent } from '../../src/events/index.js';
import type { ConversationEvent } from '../../src/events/index.js';
import { factOf, projectConversation, ProjectionError } from '../../src/processing/index.js';
import type { ConversationFact } from '../../src/processing/index.js';
import { insertCanonicalAt, ProjectionFold } from '../../src/processing/projection.js';
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
    fact('acd.end', {
      eventTime: T0 + 65_100,
      participantId: 'acd',
      queueId: 'queue-sales',
      acdOutcome: 'ANSWERED',
      connectedDurationMs: 45_000,
      disconnectType: 'TRANSFER',
    }),
    fact('user.start', { eventTime: T0 + 65_200, participantId: 'agent', userId: 'user-1', queueId: 'queue-sales' }),
    fact('user.end', {
      eventTime: T0 + 245_200,
      participantId: 'agent',
      userId: 'user-1',
      queueId: 'queue-sales',
      interactingDurationMs: 180_000,
      heldDurationMs: 30_000,
      disconnectType: 'CLIENT',
    }),
    fact('customer.end', { eventTime: T0 + 245_300, disconnectType: 'PEER', interactingDurationMs: 245_300 }),
    fact('acw', {
      eventTime: T0 + 275_200,
      participantId: 'agent',
      userId: 'user-1',
      queueId: 'queue-sales',
      wrapupCode: 'wc-sale',
      wrapupDurationMs: 30_000,
    }),
    fact('wrapup', {
      eventTime: T0 + 275_300,
      participantId: 'agent',
      queueId: 'queue-sales',
      wrapupCode: 'wc-sale',
      wrapupDurationMs: 30_000,
    }),
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
      answered: true,
      abandoned: false,
      interactingMs: 180_000,
      talkMs: 150_000,
      holdMs: 30_000,
      acwMs: 30_000, // the acw event's duration; the wrapup event of the same participant is not counted twice
      handleMs: 210_000, // talk 150 s + hold 30 s + ACW 30 s
      wrapupCodes: ['wc-sale'],
      disconnectType: 'PEER', // the customer's disconnect, not the agent's
      eventCount: 10,
      eventCounts: {
        'customer.start': 1,
        'flow.start': 1,
        'flow.end': 1,
        'acd.start': 1,
        'acd.end': 1,
        'user.start': 1,
        'user.end': 1,
        'customer.end': 1,
        acw: 1,
        wrapup: 1,
      },
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
    const ended = projectConversation([
      ...facts,
      fact('customer.end', { eventTime: T0 + 31_050, disconnectType: 'ENDPOINT' }),
    ]);
    expect(ended).toMatchObject({ state: 'ended', disconnectType: 'ENDPOINT' });
  });

  it('FLOW_OUT is not abandoned; a wrapup without acw counts as after-call work', () => {
    const projection = projectConversation([
      fact('acd.end', {
        eventTime: T0,
        participantId: 'acd',
        queueId: 'q1',
        acdOutcome: 'FLOW_OUT',
        connectedDurationMs: 5000,
      }),
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
      fc.property(
        fc.shuffledSubarray(facts, { minLength: facts.length }),
        fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 20 }),
        (shuffled, dupes) => {
          const delivered = [...shuffled];
          for (const i of dupes) delivered.splice(i % (delivered.length + 1), 0, facts[i]!);
          expect(projectConversation(delivered)).toEqual(projectConversation(facts));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: arbitrary facts — order- and duplicate-insensitive', () => {
    const factArb = fc.record(
      {
        topic: fc.constantFrom(...CONVERSATION_TOPICS),
        eventTime: fc.integer({ min: T0, max: T0 + 3_600_000 }),
        participantId: fc.constantFrom('p1', 'p2', 'p3'),
        sessionId: fc.constantFrom('s1', 's2'),
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
      .uniqueArray(
        fc.tuple(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 }), factArb),
        { minLength: 1, maxLength: 30, selector: ([key]) => key },
      )
      .map((items) => items.map(([key, f]) => ({ ...f, key, conversationId: 'c1' }) as ConversationFact));
    fc.assert(
      fc.property(
        factsArb.chain((facts) =>
          fc.tuple(
            fc.constant(facts),
            fc.shuffledSubarray(facts, { minLength: facts.length }),
            fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 10 }),
          ),
        ),
        ([facts, shuffled, dupes]) => {
          const delivered = [...shuffled, ...dupes.map((i) => facts[i]!)];
          const expected = projectConversation(facts);
          expect(projectConversation(delivered)).toEqual(expected);
          expect(projectConversation([...delivered].reverse())).toEqual(expected);
          expect(expected.eventCount).toBe(facts.length);
          // The new figures follow their definitions whatever the facts.
          expect(expected.answered).toBe(facts.some((f) => f.topic === 'acd.end' && f.acdOutcome === 'ANSWERED'));
          expect(expected.handleMs).toBe(expected.talkMs + expected.holdMs + expected.acwMs);
          if (expected.state === 'ended' || !facts.some((f) => f.topic === 'acd.start'))
            expect(expected.waitingQueueId).toBeUndefined();
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
      if (!parsed.ok || parsed.event.kind !== 'conversation')
        throw new Error('simulator produced an invalid clean event');
      const f = factOf(parsed.event as ConversationEvent);
      byConversation.set(f.conversationId, [...(byConversation.get(f.conversationId) ?? []), f]);
    }
    expect(byConversation.size).toBe(20);
    for (const facts of byConversation.values()) {
      const expected = projectConversation(facts);
      fc.assert(
        fc.property(
          fc.shuffledSubarray(facts, { minLength: facts.length }),
          fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 8 }),
          (shuffled, dupes) => {
            expect(projectConversation([...dupes.map((i) => facts[i]!), ...shuffled])).toEqual(expected);
          },
        ),
        { numRuns: 25 },
      );
    }
  });
});

/** Facts of one ACD leg: participant and session of a queue cycle. */
const leg = (participantId: string, sessionId = `${participantId}-session`) => ({ participantId, sessionId });
const agent = (userId: string) => ({ participantId: `agent-${userId}`, sessionId: `agent-${userId}-session`, userId });

/**
 * A voice call answered in q-sales, transferred by the agent to q-billing, answered there: two
 * ACD cycles, each with its own ACD participant (as Genesys creates one per queue).
 */
function transferredCall(): ConversationFact[] {
  return [
    fact('customer.start', { eventTime: T0, ...leg('customer') }),
    fact('acd.start', { eventTime: T0 + 1_000, ...leg('acd-1'), queueId: 'q-sales' }),
    fact('acd.end', {
      eventTime: T0 + 21_000,
      ...leg('acd-1'),
      queueId: 'q-sales',
      acdOutcome: 'ANSWERED',
      connectedDurationMs: 20_000,
      disconnectType: 'TRANSFER',
    }),
    fact('user.start', { eventTime: T0 + 21_100, ...agent('u1'), queueId: 'q-sales' }),
    fact('user.end', {
      eventTime: T0 + 121_100,
      ...agent('u1'),
      queueId: 'q-sales',
      interactingDurationMs: 100_000,
      heldDurationMs: 10_000,
      disconnectType: 'TRANSFER',
    }),
    fact('acd.start', { eventTime: T0 + 121_200, ...leg('acd-2'), queueId: 'q-billing' }),
    fact('acw', {
      eventTime: T0 + 136_100,
      ...agent('u1'),
      queueId: 'q-sales',
      wrapupCode: 'wc-transferred',
      wrapupDurationMs: 15_000,
    }),
    fact('acd.end', {
      eventTime: T0 + 151_200,
      ...leg('acd-2'),
      queueId: 'q-billing',
      acdOutcome: 'ANSWERED',
      connectedDurationMs: 30_000,
      disconnectType: 'TRANSFER',
    }),
    fact('user.start', { eventTime: T0 + 151_300, ...agent('u2'), queueId: 'q-billing' }),
    fact('user.end', {
      eventTime: T0 + 351_300,
      ...agent('u2'),
      queueId: 'q-billing',
      interactingDurationMs: 200_000,
      heldDurationMs: 0,
      disconnectType: 'PEER',
    }),
    fact('customer.end', { eventTime: T0 + 351_300, ...leg('customer'), disconnectType: 'CLIENT' }),
    fact('acw', {
      eventTime: T0 + 371_300,
      ...agent('u2'),
      queueId: 'q-billing',
      wrapupCode: 'wc-resolved',
      wrapupDurationMs: 20_000,
    }),
  ];
}

/** The facts of `facts` up to and including the one with this event time (a conversation seen so far). */
const until = (facts: ConversationFact[], eventTime: number) => facts.filter((f) => f.eventTime <= eventTime);

describe('projection: answered, waiting queue and handle time (hand-computed)', () => {
  it('a transfer: waiting in the first queue, then none while with the agent, then in the second queue', () => {
    const facts = transferredCall();
    expect(projectConversation(until(facts, T0))).toMatchObject({ answered: false, abandoned: false, handleMs: 0 });
    expect(projectConversation(until(facts, T0)).waitingQueueId).toBeUndefined();
    expect(projectConversation(until(facts, T0 + 1_000))).toMatchObject({ waitingQueueId: 'q-sales', answered: false });
    const withAgent = projectConversation(until(facts, T0 + 21_100));
    expect(withAgent).toMatchObject({ answered: true });
    expect(withAgent.waitingQueueId).toBeUndefined();
    // Back in a queue after the transfer: answered already (first cycle), waiting again.
    expect(projectConversation(until(facts, T0 + 136_100))).toMatchObject({
      answered: true,
      waitingQueueId: 'q-billing',
      handleMs: 90_000 + 10_000 + 15_000,
    });
    const final = projectConversation(facts);
    expect(final).toMatchObject({
      state: 'ended',
      answered: true,
      abandoned: false,
      queueWaitMs: 50_000,
      queueIds: ['q-sales', 'q-billing'],
      userIds: ['u1', 'u2'],
      talkMs: 90_000 + 200_000,
      holdMs: 10_000,
      acwMs: 15_000 + 20_000,
      handleMs: 335_000,
    });
    expect(final.waitingQueueId).toBeUndefined();
  });

  it('a transfer delivered out of order: the second queue’s acd.start before the first queue’s acd.end', () => {
    const [customerStart, acdStart1, acdEnd1, , , acdStart2] = transferredCall();
    // Both legs look open; the one started last is where the customer waits.
    expect(projectConversation([acdStart2!, customerStart!, acdStart1!]).waitingQueueId).toBe('q-billing');
    expect(projectConversation([acdStart2!, acdEnd1!, customerStart!, acdStart1!]).waitingQueueId).toBe('q-billing');
    // The second leg's end arrived, its start not yet: not waiting there (nor in the first, which is open).
    const acdEnd2 = transferredCall()[7]!;
    expect(projectConversation([customerStart!, acdStart1!, acdEnd2]).waitingQueueId).toBe('q-sales');
    expect(projectConversation([customerStart!, acdStart1!, acdEnd1!, acdEnd2]).waitingQueueId).toBeUndefined();
  });

  it('one ACD participant queued twice (a transfer back to its queue) is matched cycle by cycle', () => {
    const cycle = (start: number, outcome: string) => [
      fact('acd.start', { eventTime: start, ...leg('acd'), queueId: 'q1' }),
      fact('acd.end', {
        eventTime: start + 5_000,
        ...leg('acd'),
        queueId: 'q1',
        acdOutcome: outcome,
        connectedDurationMs: 5_000,
      }),
    ];
    const [start1, end1] = cycle(T0, 'ANSWERED');
    const [start2, end2] = cycle(T0 + 60_000, 'ABANDON');
    expect(projectConversation([start1!, end1!, start2!]).waitingQueueId).toBe('q1');
    expect(projectConversation([start2!, end1!, start1!]).waitingQueueId).toBe('q1');
    const both = projectConversation([end2!, start2!, end1!, start1!]);
    expect(both.waitingQueueId).toBeUndefined();
    expect(both).toMatchObject({ answered: true, abandoned: true, queueWaitMs: 10_000 });
  });

  it('legs are split by session when all of a participant’s ACD events carry one, else matched by participant', () => {
    const start = (sessionId: string | undefined, t: number, queueId: string) =>
      fact('acd.start', { eventTime: t, participantId: 'acd', sessionId, queueId });
    const end = (sessionId: string | undefined, t: number, queueId: string) =>
      fact('acd.end', { eventTime: t, participantId: 'acd', sessionId, queueId, acdOutcome: 'ANSWERED' });
    // Session s1 ended, session s2 still queued.
    expect(
      projectConversation([start('s1', T0, 'q1'), end('s1', T0 + 10, 'q1'), start('s2', T0 + 20, 'q2')]).waitingQueueId,
    ).toBe('q2');
    // Session s2 started and ended while s1 is still queued: waiting in s1's queue, not s2's.
    expect(
      projectConversation([start('s1', T0, 'q1'), start('s2', T0 + 10, 'q2'), end('s2', T0 + 20, 'q2')]).waitingQueueId,
    ).toBe('q1');
    // An acd.end without sessionId closes the participant's leg, whichever session started it.
    expect(projectConversation([start('s1', T0, 'q1'), end(undefined, T0 + 10, 'q1')]).waitingQueueId).toBeUndefined();
  });

  it('an abandoned call: waiting until the customer gives up, then abandoned, never answered, no handle time', () => {
    const facts = [
      fact('customer.start', { eventTime: T0, ...leg('customer') }),
      fact('flow.start', { eventTime: T0 + 100, ...leg('ivr') }),
      fact('flow.end', { eventTime: T0 + 20_000, ...leg('ivr'), disconnectType: 'TRANSFER' }),
      fact('acd.start', { eventTime: T0 + 20_100, ...leg('acd'), queueId: 'q1' }),
      fact('acd.end', {
        eventTime: T0 + 200_100,
        ...leg('acd'),
        queueId: 'q1',
        acdOutcome: 'ABANDON',
        connectedDurationMs: 180_000,
        disconnectType: 'ENDPOINT',
      }),
      fact('customer.end', { eventTime: T0 + 200_100, ...leg('customer'), disconnectType: 'ENDPOINT' }),
    ];
    expect(projectConversation(facts.slice(0, 4))).toMatchObject({
      state: 'active',
      waitingQueueId: 'q1',
      answered: false,
      abandoned: false,
    });
    const left = projectConversation(facts.slice(0, 5));
    expect(left).toMatchObject({ state: 'active', answered: false, abandoned: true });
    expect(left.waitingQueueId).toBeUndefined();
    expect(projectConversation(facts)).toMatchObject({
      state: 'ended',
      answered: false,
      abandoned: true,
      handleMs: 0,
      queueWaitMs: 180_000,
    });
  });

  it('a customer who hangs up while queued is not waiting, even before the queue’s acd.end arrives', () => {
    const projection = projectConversation([
      fact('acd.start', { eventTime: T0, ...leg('acd'), queueId: 'q1' }),
      fact('customer.end', { eventTime: T0 + 30_000, ...leg('customer'), disconnectType: 'CLIENT' }),
    ]);
    expect(projection.state).toBe('ended');
    expect(projection.waitingQueueId).toBeUndefined();
  });

  it('a callback: waits in the callback queue, answered, the agent dials; handle = talk + hold + ACW', () => {
    const callback = { mediaType: 'CALLBACK', callbackUserName: 'Ada Lovelace', callbackNumbers: ['tel:+13035550123'] };
    const facts = [
      fact('customer.start', { eventTime: T0, ...leg('customer'), ...callback }),
      fact('acd.start', {
        eventTime: T0 + 400,
        ...leg('acd'),
        queueId: 'q-callback',
        ...callback,
        callbackScheduledTime: T0 + 1_800_000,
      }),
      fact('acd.end', {
        eventTime: T0 + 1_800_000,
        ...leg('acd'),
        queueId: 'q-callback',
        ...callback,
        acdOutcome: 'ANSWERED',
        connectedDurationMs: 1_799_600,
      }),
      fact('user.start', { eventTime: T0 + 1_800_100, ...agent('u7'), queueId: 'q-callback', ...callback }),
      fact('user.end', {
        eventTime: T0 + 2_100_100,
        ...agent('u7'),
        queueId: 'q-callback',
        ...callback,
        interactingDurationMs: 300_000,
        heldDurationMs: 40_000,
        dialingDurationMs: 6_000,
        contactingDurationMs: 12_000,
        callbackDurationMs: 300_000,
      }),
      fact('customer.end', { eventTime: T0 + 2_100_100, ...leg('customer'), ...callback, disconnectType: 'PEER' }),
      fact('acw', {
        eventTime: T0 + 2_130_100,
        ...agent('u7'),
        queueId: 'q-callback',
        wrapupCode: 'wc-resolved',
        wrapupDurationMs: 30_000,
      }),
    ];
    expect(projectConversation(facts.slice(0, 2))).toMatchObject({
      mediaType: 'CALLBACK',
      waitingQueueId: 'q-callback',
      answered: false,
    });
    expect(projectConversation(facts)).toMatchObject({
      mediaType: 'CALLBACK',
      state: 'ended',
      answered: true,
      abandoned: false,
      queueWaitMs: 1_799_600,
      talkMs: 260_000,
      holdMs: 40_000,
      acwMs: 30_000,
      handleMs: 330_000,
    });
  });

  it('a cancelled callback is abandoned', () => {
    const projection = projectConversation([
      fact('acd.start', { eventTime: T0, ...leg('acd'), queueId: 'q-callback', mediaType: 'CALLBACK' }),
      fact('acd.end', {
        eventTime: T0 + 90_000,
        ...leg('acd'),
        queueId: 'q-callback',
        mediaType: 'CALLBACK',
        acdOutcome: 'ABANDON',
        disconnectType: 'CLIENT',
        connectedDurationMs: 90_000,
      }),
    ]);
    expect(projection).toMatchObject({ answered: false, abandoned: true, handleMs: 0 });
    expect(projection.waitingQueueId).toBeUndefined();
  });

  it('voicemail from the queue (FLOW_OUT): neither answered nor abandoned, not waiting once out of the queue', () => {
    const facts = [
      fact('customer.start', { eventTime: T0, ...leg('customer') }),
      fact('acd.start', { eventTime: T0 + 100, ...leg('acd'), queueId: 'q1' }),
      fact('acd.end', {
        eventTime: T0 + 120_100,
        ...leg('acd'),
        queueId: 'q1',
        acdOutcome: 'FLOW_OUT',
        disconnectType: 'TRANSFER',
        connectedDurationMs: 120_000,
      }),
      fact('voicemail.start', { eventTime: T0 + 121_000, ...leg('voicemail'), queueId: 'q1' }),
      fact('voicemail.end', {
        eventTime: T0 + 151_000,
        ...leg('voicemail'),
        queueId: 'q1',
        voicemailDurationMs: 30_000,
        disconnectType: 'ENDPOINT',
      }),
      fact('customer.end', { eventTime: T0 + 151_000, ...leg('customer'), disconnectType: 'ENDPOINT' }),
    ];
    const inVoicemail = projectConversation(facts.slice(0, 4));
    expect(inVoicemail).toMatchObject({ state: 'active', answered: false, abandoned: false });
    expect(inVoicemail.waitingQueueId).toBeUndefined();
    expect(projectConversation(facts)).toMatchObject({
      state: 'ended',
      answered: false,
      abandoned: false,
      queueWaitMs: 120_000,
      handleMs: 0,
    });
  });

  it('direct voicemail (an agent’s line, no queue): never waiting, never answered', () => {
    const projection = projectConversation([
      fact('customer.start', { eventTime: T0, ...leg('customer') }),
      fact('voicemail.start', { eventTime: T0 + 20_000, ...leg('voicemail'), userId: 'u3' }),
      fact('voicemail.end', {
        eventTime: T0 + 50_000,
        ...leg('voicemail'),
        userId: 'u3',
        voicemailDurationMs: 30_000,
        disconnectType: 'ENDPOINT',
      }),
    ]);
    expect(projection).toMatchObject({ state: 'active', answered: false, abandoned: false, handleMs: 0 });
    expect(projection.waitingQueueId).toBeUndefined();
  });

  it('property: a transferred call, delivered in any order with duplicates, at any point of its delivery', () => {
    const facts = transferredCall();
    fc.assert(
      fc.property(
        fc.shuffledSubarray(facts),
        fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 6 }),
        (subset, dupes) => {
          // Whatever has arrived so far, in whatever order, folds like the same set in event-time order.
          const delivered = [...subset, ...dupes.map((i) => facts[i]!).filter((f) => subset.includes(f))];
          if (delivered.length === 0) return;
          const inOrder = facts.filter((f) => subset.includes(f));
          expect(projectConversation(delivered)).toEqual(projectConversation(inOrder));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('projection: waiting queue on simulated conversations', () => {
  it('at every point of each conversation, waitingQueueId is the queue of the last ACD cycle started and not ended', () => {
    // In the simulator each queue cycle has its own ACD participant, so the reference is simple:
    // cycles whose acd.start arrived and whose acd.end has not; none once customer.end arrived.
    const byConversation = new Map<string, ConversationFact[]>();
    for (const { line, fault } of generateAnnotatedEvents({ conversations: 300, seed: 5 })) {
      if (fault) continue;
      const parsed = parseGenesysEvent(line);
      if (!parsed.ok || parsed.event.kind !== 'conversation') continue;
      const f = factOf(parsed.event);
      byConversation.set(f.conversationId, [...(byConversation.get(f.conversationId) ?? []), f]);
    }
    let waitingSeen = 0;
    let transfersSeen = 0;
    for (const facts of byConversation.values()) {
      const ordered = [...facts].sort((a, b) => a.eventTime - b.eventTime || (a.key < b.key ? -1 : 1));
      if (ordered.filter((f) => f.topic === 'acd.start').length > 1) transfersSeen++;
      for (let n = 1; n <= ordered.length; n++) {
        const prefix = ordered.slice(0, n);
        const ended = new Set(prefix.filter((f) => f.topic === 'acd.end').map((f) => f.participantId));
        const open = prefix.filter((f) => f.topic === 'acd.start' && !ended.has(f.participantId));
        const expected = prefix.some((f) => f.topic === 'customer.end') ? undefined : open.at(-1)?.queueId;
        const projection = projectConversation(prefix);
        expect(projection.waitingQueueId, `${projection.conversationId} after ${n} events`).toBe(expected);
        if (expected) waitingSeen++;
        expect(projection.answered).toBe(prefix.some((f) => f.topic === 'acd.end' && f.acdOutcome === 'ANSWERED'));
      }
    }
    expect(waitingSeen).toBeGreaterThan(300);
    expect(transfersSeen).toBeGreaterThan(3);
  });
});

/**
 * Arbitrary facts of one conversation (distinct keys); `span`: the range of their event times
 * (small: many equal times); `topics`: the topics drawn from.
 */
function arbitraryFacts(
  span: number,
  topics: readonly ConversationFact['topic'][] = CONVERSATION_TOPICS,
): fc.Arbitrary<ConversationFact[]> {
  const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const factArb = fc.record({
    topic: fc.constantFrom(...topics),
    eventTime: fc.integer({ min: T0, max: T0 + span }),
    participantId: optional(fc.constantFrom('p1', 'p2', 'p3')),
    sessionId: optional(fc.constantFrom('s1', 's2')),
    queueId: optional(fc.constantFrom('q1', 'q2')),
    userId: optional(fc.constantFrom('u1', 'u2')),
    acdOutcome: optional(fc.constantFrom('ANSWERED', 'ABANDON', 'FLOW_OUT')),
    disconnectType: optional(fc.constantFrom('CLIENT', 'PEER', 'ENDPOINT')),
    connectedDurationMs: optional(fc.nat({ max: 600_000 })),
    interactingDurationMs: optional(fc.nat({ max: 600_000 })),
    heldDurationMs: optional(fc.nat({ max: 600_000 })),
    wrapupDurationMs: optional(fc.nat({ max: 600_000 })),
    wrapupCode: optional(fc.constantFrom('w1', 'w2')),
    mediaType: optional(fc.constantFrom('VOICE', 'CHAT')),
    ani: optional(fc.constantFrom('tel:+1', 'tel:+2')),
  });
  return fc
    .uniqueArray(
      fc.tuple(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 }), factArb),
      { minLength: 1, maxLength: 30, selector: ([key]) => key },
    )
    .map((items) => items.map(([key, f]) => ({ ...f, key, conversationId: 'c1' }) as ConversationFact));
}

describe('ProjectionFold: the running fold the SQLite store keeps per cached conversation', () => {
  it.each([
    ['event times an hour apart at most', 3_600_000, CONVERSATION_TOPICS],
    ['many equal event times', 3, CONVERSATION_TOPICS],
    [
      'queue legs only (the waiting queue at every step)',
      3_600_000,
      ['acd.start', 'acd.end', 'acd.start', 'acd.end', 'customer.start'] as const,
    ],
  ])(
    'property (%s): folding each fact as it arrives gives projectConversation of the facts so far, at every step',
    (_name, span, topics) => {
      fc.assert(
        fc.property(
          arbitraryFacts(span, topics).chain((facts) =>
            fc.tuple(
              fc.shuffledSubarray(facts, { minLength: facts.length }),
              fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 10 }),
            ),
          ),
          ([shuffled, dupes]) => {
            const delivered = [...shuffled];
            for (const i of dupes) delivered.splice(i % (delivered.length + 1), 0, shuffled[i]!);
            const ordered: ConversationFact[] = [];
            let fold: ProjectionFold | undefined;
            let appended = 0;
            for (const [i, fact] of delivered.entries()) {
              if (insertCanonicalAt(ordered, fact) < 0) continue;
              if (fold?.append(fact, ordered)) appended++;
              else fold = ProjectionFold.of(ordered);
              expect(fold.projection()).toStrictEqual(projectConversation(delivered.slice(0, i + 1)));
            }
            // In-order deliveries take the incremental path (the property would hold trivially otherwise).
            if (delivered.every((f, i) => i === 0 || f.eventTime > delivered[i - 1]!.eventTime))
              expect(appended).toBe(ordered.length - 1);
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('append refuses a fact that is not last, or not later than every fact folded, and changes nothing then', () => {
    const facts = [answeredCall()[0]!, answeredCall()[3]!, answeredCall()[4]!];
    const ordered = [facts[0]!, facts[2]!];
    const fold = ProjectionFold.of(ordered);
    const before = fold.projection();
    insertCanonicalAt(ordered, facts[1]!); // sorts before facts[2]
    expect(fold.append(facts[1]!, ordered)).toBe(false);
    expect(fold.projection()).toEqual(before);
    const same = { ...facts[2]!, key: 'f'.repeat(64) }; // the same eventTime as the last fact
    insertCanonicalAt(ordered, same);
    expect(fold.append(same, ordered)).toBe(false);
    expect(ProjectionFold.of(ordered).projection()).toEqual(projectConversation(ordered));
  });

  it('a projection shares nothing with the fold: changing it, or folding on, leaves the other as it was', () => {
    const facts = answeredCall();
    const fold = ProjectionFold.of(facts.slice(0, 4));
    const first = fold.projection();
    const copy = structuredClone(first);
    first.queueIds.push('changed');
    first.eventCounts.acw = 99;
    expect(fold.projection()).toEqual(copy);
    expect(fold.append(facts[4]!, facts.slice(0, 5))).toBe(true);
    expect(copy).toEqual(projectConversation(facts.slice(0, 4)));
    expect(fold.projection()).toEqual(projectConversation(facts.slice(0, 5)));
  });
});
