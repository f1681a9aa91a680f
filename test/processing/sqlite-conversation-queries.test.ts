/**
 * SqliteConversationQueries: the dashboard's contact-centre figures and the conversation routes'
 * queries over a real SQLite file, against references computed here from the projections.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import {
  factOf,
  openSqliteDatabase,
  projectConversation,
  SqliteConversationQueries,
  SqliteConversationStore,
} from '../../src/processing/index.js';
import type { ConversationFact, ConversationProjection } from '../../src/processing/index.js';
import { generateAnnotatedEvents } from '../../src/simulate/index.js';
import type { ContactCentreFigures } from '../../src/telemetry/index.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-queries-');
let n = 0;
const open = () => {
  const db = openSqliteDatabase(join(dir, `q-${n++}.db`));
  return { db, store: new SqliteConversationStore(db), queries: new SqliteConversationQueries(db) };
};

/** docs/dashboard.md's definitions, computed directly from projections. */
function referenceFigures(projections: Iterable<ConversationProjection>): ContactCentreFigures {
  const all = [...projections];
  const waiting = new Map<string, number>();
  for (const p of all)
    if (p.state === 'active' && p.waitingQueueId)
      waiting.set(p.waitingQueueId, (waiting.get(p.waitingQueueId) ?? 0) + 1);
  const leftQueue = all.filter((p) => p.answered || p.abandoned);
  const handled = all.filter((p) => p.answered && p.state === 'ended');
  return {
    activeConversations: all.filter((p) => p.state === 'active').length,
    waitingByQueue: [...waiting]
      .map(([queueId, count]) => ({ queueId, waiting: count }))
      .sort((a, b) => b.waiting - a.waiting || (a.queueId < b.queueId ? -1 : 1)),
    abandonRate: leftQueue.length === 0 ? null : leftQueue.filter((p) => p.abandoned).length / leftQueue.length,
    averageHandleTimeMs: handled.length === 0 ? null : handled.reduce((sum, p) => sum + p.handleMs, 0) / handled.length,
    conversationsEnded: all.filter((p) => p.state === 'ended').length,
  };
}

/** Floating-point sums in another order may differ in the last bits. */
function expectFigures(actual: ContactCentreFigures, expected: ContactCentreFigures): void {
  const { abandonRate, averageHandleTimeMs, ...rest } = actual;
  const { abandonRate: rate, averageHandleTimeMs: aht, ...expectedRest } = expected;
  expect(rest).toEqual(expectedRest);
  if (rate === null) expect(abandonRate).toBeNull();
  else expect(abandonRate).toBeCloseTo(rate, 12);
  if (aht === null) expect(averageHandleTimeMs).toBeNull();
  else expect(averageHandleTimeMs).toBeCloseTo(aht, 6);
}

function simulatedFacts(conversations: number, seed: number): ConversationFact[] {
  const facts: ConversationFact[] = [];
  for (const { line, fault } of generateAnnotatedEvents({ conversations, seed, duplicates: 0.05, outOfOrder: 0.1 })) {
    if (fault === 'malformed' || fault === 'oversized') continue;
    const parsed = parseGenesysEvent(line);
    if (parsed.ok && parsed.event.kind === 'conversation') facts.push(factOf(parsed.event));
  }
  return facts;
}

describe('SqliteConversationQueries.contactCentreFigures', () => {
  it('equals the figures computed from the projections, at every point of a simulated stream', async () => {
    const { store, queries } = open();
    expect(queries.contactCentreFigures()).toEqual({
      activeConversations: 0,
      waitingByQueue: [],
      abandonRate: null,
      averageHandleTimeMs: null,
      conversationsEnded: 0,
    });
    const facts = simulatedFacts(400, 17);
    const byConversation = new Map<string, ConversationFact[]>();
    let checks = 0;
    let sawWaiting = false;
    for (const [i, fact] of facts.entries()) {
      byConversation.set(fact.conversationId, [...(byConversation.get(fact.conversationId) ?? []), fact]);
      await store.applyFact(fact);
      if (i % 250 === 0 || i === facts.length - 1) {
        const expected = referenceFigures([...byConversation.values()].map((f) => projectConversation(f)));
        const figures = queries.contactCentreFigures();
        expectFigures(figures, expected);
        expect(figures).toEqual(queries.recountContactCentreFigures()); // maintained exactly (integers)
        sawWaiting ||= figures.waitingByQueue.length > 0;
        checks++;
      }
    }
    expect(checks).toBeGreaterThan(10);
    expect(sawWaiting).toBe(true);
    const final = queries.contactCentreFigures();
    expect(final.conversationsEnded).toBe(400);
    expect(final.activeConversations).toBe(0);
    expect(final.waitingByQueue).toEqual([]);
    expect(final.abandonRate).toBeGreaterThan(0);
    expect(final.averageHandleTimeMs).toBeGreaterThan(60_000);
  });

  it('property: after any sequence of facts (any order, duplicates), the maintained figures equal a recount and the reference', () => {
    const conversationIds = ['c-1', 'c-2', 'c-3'];
    const factArb = fc.record({
      conversationId: fc.constantFrom(...conversationIds),
      topic: fc.constantFrom('acd.start', 'acd.end', 'acd.end', 'customer.end', 'user.end', 'acw', 'customer.start'),
      eventTime: fc.integer({ min: 0, max: 1000 }),
      participantId: fc.constantFrom('acd-1', 'acd-2'),
      queueId: fc.constantFrom('q1', 'q2', 'q3'),
      acdOutcome: fc.constantFrom('ANSWERED', 'ABANDON', 'FLOW_OUT'),
      interactingDurationMs: fc.nat({ max: 100_000 }),
      wrapupDurationMs: fc.nat({ max: 10_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(factArb, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (raw, dupes) => {
          const facts = raw.map((f, i) => ({ ...f, key: `k${i}` }) as ConversationFact);
          const delivered = [...facts];
          for (const d of dupes) delivered.splice(d % (delivered.length + 1), 0, facts[d % facts.length]!);
          const { db, store, queries } = open();
          const applied = new Map<string, ConversationFact>();
          for (const fact of delivered) {
            store.applyFactNow(fact);
            applied.set(fact.key, fact);
            expect(queries.contactCentreFigures()).toEqual(queries.recountContactCentreFigures());
          }
          const byConversation = new Map<string, ConversationFact[]>();
          for (const f of applied.values())
            byConversation.set(f.conversationId, [...(byConversation.get(f.conversationId) ?? []), f]);
          expectFigures(
            queries.contactCentreFigures(),
            referenceFigures([...byConversation.values()].map((f) => projectConversation(f))),
          );
          db.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads the caller’s open transaction when there is one, and a consistent snapshot otherwise', async () => {
    const { db, store, queries } = open();
    const facts = simulatedFacts(5, 3);
    db.exec('BEGIN IMMEDIATE');
    for (const fact of facts) await store.applyFact(fact);
    expect(queries.contactCentreFigures().conversationsEnded).toBe(5);
    db.exec('ROLLBACK');
    expect(queries.contactCentreFigures().conversationsEnded).toBe(0);
    expect(db.inTransaction).toBe(false);
  });
});

describe('SqliteConversationQueries.get and list', () => {
  it('lists most recently updated first, filtered by state, at most limit', async () => {
    const { store, queries } = open();
    const facts = simulatedFacts(30, 23).slice(0, 250);
    const lastWrite = new Map<string, number>();
    const seen = new Set<string>();
    for (const [i, fact] of facts.entries()) {
      await store.applyFact(fact);
      if (!seen.has(fact.key)) lastWrite.set(fact.conversationId, i); // a duplicate writes nothing
      seen.add(fact.key);
    }
    const byRecency = [...lastWrite.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const all = queries.list({ limit: 1000 });
    expect(all.map((p) => p.conversationId)).toEqual(byRecency);
    for (const p of all) expect(queries.get(p.conversationId)).toEqual(p);
    expect(queries.list({ limit: 5 }).map((p) => p.conversationId)).toEqual(byRecency.slice(0, 5));
    for (const state of ['active', 'ended'] as const) {
      const expected = all.filter((p) => p.state === state);
      expect(expected.length).toBeGreaterThan(0);
      expect(queries.list({ state, limit: 1000 })).toEqual(expected);
      expect(queries.list({ state, limit: 2 })).toEqual(expected.slice(0, 2));
    }
    // A new event of the oldest conversation brings it to the front.
    const oldest = byRecency.at(-1)!;
    const next = simulatedFacts(30, 23)
      .slice(250)
      .find((f) => f.conversationId === oldest && !seen.has(f.key))!;
    await store.applyFact(next);
    expect(queries.list({ limit: 1 })[0]!.conversationId).toBe(oldest);
  });

  it('answers undefined for an unknown conversation, and refuses a bad limit or state', () => {
    const { queries } = open();
    expect(queries.get('00000000-0000-4000-8000-00000000dead')).toBeUndefined();
    expect(queries.list({ limit: 10 })).toEqual([]);
    expect(() => queries.list({ limit: 0 })).toThrow(/limit must be a whole number ≥ 1, got 0/);
    expect(() => queries.list({ limit: 2.5 })).toThrow(RangeError);
    expect(() => queries.list({ limit: 1, state: 'waiting' as never })).toThrow(/state must be "active" or "ended"/);
  });
});
