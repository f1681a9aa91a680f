/**
 * Fault injection: duplicates, late deliveries, malformed and oversized lines, at the fractions
 * asked, each behaving as documented (and each malformed or oversized line rejected by the
 * real validator).
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import { MALFORMED_KINDS, generateAnnotatedEvents, generateEvents } from '../../src/simulate/index.js';
import type { SimulatedLine } from '../../src/simulate/index.js';

interface Parsed extends SimulatedLine {
  index: number;
  event?: GenesysEvent;
}

const FRACTION = 0.05;
let faulty: Parsed[] = [];
let clean: string[] = [];

beforeAll(() => {
  const options = { conversations: 3000, seed: 21, duplicates: FRACTION, outOfOrder: FRACTION, malformed: FRACTION };
  faulty = [...generateAnnotatedEvents(options)].map((item, index) => {
    const result = parseGenesysEvent(item.line);
    return { ...item, index, ...(result.ok ? { event: result.event } : {}) };
  });
  clean = [...generateEvents({ conversations: 3000, seed: 21 })];
});

const count = (fault: SimulatedLine['fault']) => faulty.filter((l) => l.fault === fault).length;
/** Clean events: first deliveries, in order or late. */
const firstDeliveries = () => faulty.filter((l) => l.fault === undefined || l.fault === 'out-of-order');

describe('fault injection', () => {
  it('applies each fault to about the requested fraction of clean events', () => {
    const events = firstDeliveries().length;
    expect(events).toBe(clean.length);
    for (const fault of ['duplicate', 'out-of-order', 'malformed'] as const) {
      const fraction = count(fault) / events;
      // Binomial with n ≈ 33,000, p = 0.05: the standard deviation is about 0.0012.
      expect(fraction, fault).toBeGreaterThan(FRACTION * 0.9);
      expect(fraction, fault).toBeLessThan(FRACTION * 1.1);
    }
    expect(count('oversized')).toBe(0);
  });

  it('leaves the clean events unchanged: the same events as without faults, only late ones move', () => {
    const inOrder = faulty.filter((l) => l.fault === undefined).map((l) => l.line);
    const cleanSet = new Set(clean);
    for (const line of inOrder) expect(cleanSet.has(line)).toBe(true);
    // A late line is the same event (same envelope id and detail); only its envelope time may be later.
    const byId = new Map(
      clean.map((line) => [JSON.parse(line).id as string, JSON.parse(line) as { time: string; detail: unknown }]),
    );
    for (const late of faulty.filter((l) => l.fault === 'out-of-order')) {
      const raw = JSON.parse(late.line) as { id: string; time: string; detail: unknown };
      const original = byId.get(raw.id)!;
      expect(raw.detail).toEqual(original.detail);
      expect(Date.parse(raw.time)).toBeGreaterThanOrEqual(Date.parse(original.time));
    }
    // And the clean events keep their relative order.
    const inOrderIndex = new Map(clean.map((line, i) => [line, i]));
    const positions = inOrder.map((line) => inOrderIndex.get(line)!);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('re-delivers duplicates later with the same detail (so the same idempotency key) and a new envelope id and time', () => {
    const seen = new Map<string, Parsed>();
    for (const line of faulty) {
      if (!line.event) continue;
      if (line.fault !== 'duplicate') {
        seen.set(line.event.key, line);
        continue;
      }
      const original = seen.get(line.event.key);
      expect(original, `duplicate at ${line.index} has no earlier original`).toBeDefined();
      const a = JSON.parse(original!.line) as { id: string; time: string; detail: unknown };
      const b = JSON.parse(line.line) as { id: string; time: string; detail: unknown };
      expect(b.id).not.toBe(a.id);
      expect(b.detail).toEqual(a.detail);
      expect(Date.parse(b.time)).toBeGreaterThanOrEqual(Date.parse(a.time));
      expect(line.event.key).toBe(original!.event!.key);
    }
    const keys = new Set(firstDeliveries().map((l) => l.event!.key));
    expect(keys.size).toBe(firstDeliveries().length);
  });

  it('delivers out-of-order lines after later events', () => {
    const late = faulty.filter((l) => l.fault === 'out-of-order');
    let overtaken = 0;
    let maxEventTime = 0;
    for (const line of faulty) {
      if (!line.event || line.event.kind !== 'conversation') continue;
      if (line.fault === 'out-of-order' && line.event.eventTime < maxEventTime) overtaken += 1;
      maxEventTime = Math.max(maxEventTime, line.event.eventTime);
    }
    expect(late.length).toBeGreaterThan(0);
    expect(overtaken / late.length).toBeGreaterThan(0.95);
    // Within the default window: at most 30 s (plus the normal publishing delay) late.
    const deliveredAt = (l: Parsed) => Date.parse((JSON.parse(l.line) as { time: string }).time);
    for (const l of late) {
      if (l.event?.kind === 'conversation') expect(deliveredAt(l) - l.event.eventTime).toBeLessThan(35_000);
    }
  });

  it('makes every malformed line one the validator rejects, in every documented way', () => {
    const malformed = faulty.filter((l) => l.fault === 'malformed');
    const kinds = new Set(malformed.map((l) => l.malformation));
    expect([...kinds].sort()).toEqual([...MALFORMED_KINDS].sort());
    for (const line of malformed) {
      const result = parseGenesysEvent(line.line);
      expect(result.ok, `${line.malformation}: ${line.line.slice(0, 200)}`).toBe(false);
    }
    // Valid lines are exactly the non-malformed ones.
    for (const line of faulty) expect(line.event === undefined).toBe(line.fault === 'malformed');
  });

  it('breaks malformed lines the way each kind says', () => {
    const sample = (kind: string) => faulty.find((l) => l.malformation === kind)!.line;
    expect(() => JSON.parse(sample('truncated-json'))).toThrow();
    expect(JSON.parse(sample('missing-detail'))).not.toHaveProperty('detail');
    expect(typeof JSON.parse(sample('detail-as-string')).detail).toBe('string');
    expect(typeof JSON.parse(sample('event-time-as-string')).detail.eventBody.eventTime).toBe('string');
    expect(JSON.parse(sample('missing-conversation-id')).detail.eventBody).not.toHaveProperty('conversationId');
    expect(JSON.parse(sample('tutorial-shape'))).toMatchObject({
      source: 'genesys.cloud',
      'detail-type': 'Conversation Updated',
    });
    expect(Array.isArray(JSON.parse(sample('batch-array')))).toBe(true);
    const mismatch = JSON.parse(sample('topic-mismatch'));
    expect(
      mismatch.detail.topicName.endsWith(mismatch['detail-type'].slice('v2.detail.events.conversation.{id}'.length)),
    ).toBe(false);
    const idMismatch = JSON.parse(sample('conversation-id-mismatch'));
    expect(idMismatch.detail.topicName).not.toContain(idMismatch.detail.eventBody.conversationId);
  });

  it('produces oversized events over 256 KiB (attributes of the same conversation) that the validator rejects', () => {
    const lines = [...generateAnnotatedEvents({ conversations: 300, seed: 4, oversized: 0.02 })];
    const oversized = lines.filter((l) => l.fault === 'oversized');
    const events = lines.length - oversized.length;
    expect(oversized.length / events).toBeGreaterThan(0.01);
    expect(oversized.length / events).toBeLessThan(0.03);
    const conversations = new Set(
      lines.filter((l) => !l.fault).map((l) => JSON.parse(l.line).detail.eventBody.conversationId as string),
    );
    for (const { line } of oversized) {
      const bytes = Buffer.byteLength(line);
      expect(bytes).toBeGreaterThan(MAX_EVENT_BYTES);
      expect(bytes).toBeLessThan(420_000);
      const result = parseGenesysEvent(line);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems[0]!.found).toBe(`${bytes} bytes`);
      const event = JSON.parse(line);
      expect(event['detail-type']).toBe('v2.detail.events.conversation.{id}.attributes');
      expect(conversations.has(event.detail.eventBody.conversationId)).toBe(true);
      expect(Object.keys(event.detail.eventBody.attributes).length).toBeGreaterThan(500);
    }
  });
});

describe('determinism', () => {
  const digest = (lines: Iterable<string>) => {
    const hash = createHash('sha256');
    for (const line of lines) hash.update(line).update('\n');
    return hash.digest('hex');
  };

  it('gives byte-identical output for the same seed and options, and different output for another seed', () => {
    const options = {
      conversations: 400,
      seed: 99,
      duplicates: 0.05,
      outOfOrder: 0.05,
      malformed: 0.05,
      oversized: 0.002,
    };
    const a = digest(generateEvents(options));
    expect(digest(generateEvents(options))).toBe(a);
    expect(digest(generateEvents({ ...options, seed: 100 }))).not.toBe(a);
    expect(digest(generateEvents({ ...options, malformed: 0.06 }))).not.toBe(a);
  });

  it('can iterate the same generator object twice with the same result', () => {
    const events = generateEvents({ conversations: 50, seed: 3 });
    expect(digest(events)).toBe(digest(events));
  });

  it('rejects invalid options with every problem named, before producing anything', () => {
    expect(() =>
      generateEvents({
        conversations: -1,
        duplicates: 2,
        suffix: 'bad suffix!',
        account: '12',
        mediaMix: { fax: 1 } as never,
      }),
    ).toThrow(
      /conversations must be a whole number[\s\S]*duplicates must be a fraction[\s\S]*suffix must be[\s\S]*account must be a 12-digit[\s\S]*unknown media "fax"/,
    );
  });
});
