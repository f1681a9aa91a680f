/**
 * The validator → processor hand-off of parsed events (one process): reused only for the very
 * same event value; anything else is parsed again, so the processor's behaviour never changes.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import {
  createProcessor,
  createValidator,
  openSqliteDatabase,
  SqliteIdempotencyPersistenceLayer,
} from '../../src/processing/index.js';
import { ParsedEventHandoff } from '../../src/processing/parsed-events.js';
import type { Sink } from '../../src/processing/index.js';
import { jsonEqual } from '../../src/processing/parsed-events.js';
import { tempDir } from '../support/tmp.js';
import { eventLine, MemoryDeadLetterStore, sqsRecord } from '../workflow/support.js';

const dir = tempDir('gep-handoff-');
let n = 0;

class Recording implements Sink {
  readonly name = 'recording';
  readonly events: GenesysEvent[] = [];
  async handle(event: GenesysEvent): Promise<void> {
    this.events.push(event);
  }
}

function pipeline() {
  const parsedEvents = new ParsedEventHandoff();
  const deadLetters = new MemoryDeadLetterStore();
  const sink = new Recording();
  const validator = createValidator({ deadLetters, parsedEvents });
  const processor = createProcessor({
    persistenceStore: new SqliteIdempotencyPersistenceLayer(openSqliteDatabase(join(dir, `h-${n++}.db`))),
    sinks: [sink],
    deadLetters,
    parsedEvents,
  });
  return { parsedEvents, validator, processor, sink };
}

describe('ParsedEventHandoff', () => {
  it('the processor reuses the validator’s parse of the same event (after a JSON round trip, as through the state machine)', async () => {
    const { parsedEvents, validator, processor, sink } = pipeline();
    const lines = [1, 2, 3].map((i) => eventLine(i));
    const { items } = await validator.validate({
      source: 'sqs',
      records: lines.map((line, i) => sqsRecord(line, { messageId: `m-${i}` })),
    });
    for (const item of items)
      expect(await processor.process(JSON.parse(JSON.stringify(item)))).toMatchObject({ status: 'processed' });
    expect(parsedEvents.stats()).toEqual({ size: 0, reused: 3, mismatched: 0 });
    // What the sinks got is what a fresh parse gives.
    lines.forEach((line, i) =>
      expect(sink.events[i]).toEqual((parseGenesysEvent(line) as { event: GenesysEvent }).event),
    );
  });

  it('a different event under the same message id is parsed, not confused with the validated one', async () => {
    const { parsedEvents, validator, processor, sink } = pipeline();
    await validator.validate({ source: 'sqs', records: [sqsRecord(eventLine(10), { messageId: 'same' })] });
    const other = JSON.parse(eventLine(11)) as Record<string, unknown>;
    const result = await processor.process({ messageId: 'same', event: other });
    expect(result.key).toBe((parseGenesysEvent(other) as { event: GenesysEvent }).event.key);
    expect(sink.events[0]!.key).toBe(result.key);
    expect(parsedEvents.stats()).toEqual({ size: 0, reused: 0, mismatched: 1 });
  });

  it('an entry serves once: a retry of the same message parses again', async () => {
    const { parsedEvents, validator, processor } = pipeline();
    const { items } = await validator.validate({
      source: 'sqs',
      records: [sqsRecord(eventLine(20), { messageId: 'm' })],
    });
    expect(await processor.process(items[0]!)).toMatchObject({ status: 'processed' });
    expect(await processor.process(items[0]!)).toMatchObject({ status: 'duplicate' });
    expect(parsedEvents.stats()).toMatchObject({ reused: 1, mismatched: 0, size: 0 });
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const handoff = new ParsedEventHandoff(2);
    const event = (parseGenesysEvent(eventLine(1)) as { event: GenesysEvent }).event;
    for (const id of ['a', 'b', 'c']) handoff.put(id, { id }, event);
    expect(handoff.stats().size).toBe(2);
    expect(handoff.take('a', { id: 'a' })).toBeUndefined();
    expect(handoff.take('c', { id: 'c' })).toBe(event);
  });
});

describe('jsonEqual', () => {
  it('is JSON value equality: member order ignored, array order and types not', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(jsonEqual({ a: '1' }, { a: 1 })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });

  it('property: equals JSON.stringify-equality after sorting keys, on arbitrary JSON values', () => {
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(jsonEqual(a, JSON.parse(JSON.stringify(a)))).toBe(true);
        expect(jsonEqual(a, b)).toBe(JSON.stringify(sorted(a)) === JSON.stringify(sorted(b)));
      }),
      { numRuns: 500 },
    );
  });

  it('compares own members only: inherited ones never make two values equal, even with a polluted Object.prototype', () => {
    const inherited = Object.create({ a: 1 }) as Record<string, unknown>;
    expect(jsonEqual(inherited, { a: 1 })).toBe(false);
    expect(jsonEqual({ a: 1 }, inherited)).toBe(false);
    expect(jsonEqual(Object.assign(Object.create(null) as object, { a: [1] }), { a: [1] })).toBe(true);
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.polluted = 1;
    try {
      expect(jsonEqual({}, { polluted: 1 })).toBe(false);
      expect(jsonEqual({ polluted: 1 }, {})).toBe(false);
      expect(jsonEqual({ a: { b: 2 } }, { a: { b: 2 } })).toBe(true);
      expect(jsonEqual({ a: { b: 2 } }, { a: { b: 3 } })).toBe(false);
    } finally {
      delete prototype.polluted;
    }
  });
});
