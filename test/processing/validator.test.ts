/**
 * The validator parses each record's JSON once: it passes valid events on as that JSON and hands
 * the processor the parse, and dead-letters invalid ones with their problems. Its output must be
 * what validating with parseGenesysEvent and passing on JSON.parse(body) gives.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import { createValidator, openSqliteDatabase } from '../../src/processing/index.js';
import { ParsedEventHandoff } from '../../src/processing/parsed-events.js';
import { SqliteDeadLetterStore } from '../../src/processing/stores/sqlite-dead-letter-store.js';
import { generateEvents } from '../../src/simulate/index.js';
import { jsonCopy } from '../../src/workflow/json-copy.js';
import { expectSameValue } from '../events/same-value.js';
import { conversationEvent } from '../support/events.js';
import { tempDir } from '../support/tmp.js';
import { sqsRecord } from '../workflow/support.js';

const dir = tempDir('gep-validator-');
let n = 0;

function validatorWithStores() {
  const deadLetters = new SqliteDeadLetterStore(openSqliteDatabase(join(dir, `v-${n++}.db`)));
  const parsedEvents = new ParsedEventHandoff(10_000);
  return { deadLetters, parsedEvents, validator: createValidator({ deadLetters, parsedEvents }) };
}

// Simulated deliveries with every kind of fault (duplicates, late, malformed, oversized), and an
// event whose keys are in an order of its own (the JSON passed on keeps it).
const reversed = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([k, v]) => [k, reversed(v)]),
      )
    : value;
const lines = [
  ...generateEvents({
    conversations: 40,
    seed: 5,
    duplicates: 0.05,
    outOfOrder: 0.05,
    malformed: 0.1,
    oversized: 0.01,
  }),
  JSON.stringify(reversed(conversationEvent('acd.end', { queueId: 'q', brandNew: { b: 1, a: [2] } }))),
];

describe('validator', () => {
  it('passes each valid record on as its parsed JSON, and dead-letters each invalid one with its problems', async () => {
    const { deadLetters, parsedEvents, validator } = validatorWithStores();
    const records = lines.map((line, i) => sqsRecord(line, { messageId: `m-${i}`, receiveCount: 1 + (i % 3) }));
    const { items, invalid } = await validator.validate({ source: 'sqs', records });

    // What validating with parseGenesysEvent and passing on JSON.parse(body) gives.
    const expected = records.flatMap((record) => {
      const parsed = parseGenesysEvent(record.body);
      return parsed.ok
        ? [
            {
              messageId: record.messageId,
              receiveCount: Number(record.attributes.ApproximateReceiveCount),
              event: JSON.parse(record.body) as unknown,
            },
          ]
        : [];
    });
    expectSameValue(items, expected);
    expect(invalid).toBe(records.length - expected.length);
    expect(invalid).toBeGreaterThan(10);
    for (const item of items) expectSameValue(jsonCopy(item.event), item.event); // plain JSON data

    const entries = await deadLetters.list({ limit: 10_000 });
    const invalidRecords = records.filter((record) => !parseGenesysEvent(record.body).ok);
    expect(new Set(entries.map((e) => e.messageId))).toEqual(new Set(invalidRecords.map((r) => r.messageId)));
    for (const entry of entries) {
      const record = invalidRecords.find((r) => r.messageId === entry.messageId)!;
      const parsed = parseGenesysEvent(record.body);
      expect(entry).toMatchObject({
        stage: 'validate',
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
      });
      expect(entry.problems).toEqual(parsed.ok ? [] : parsed.problems);
      let topic: unknown;
      try {
        topic = (JSON.parse(record.body) as { 'detail-type'?: unknown })?.['detail-type'];
      } catch {
        topic = undefined;
      }
      expect(entry.topic).toBe(typeof topic === 'string' ? topic : undefined);
    }

    // The processor gets the validator's parse for the same event (a copy, as across the workflow).
    for (const item of items) {
      const handedOff = parsedEvents.take(item.messageId, jsonCopy(item.event));
      expectSameValue(
        handedOff,
        (parseGenesysEvent(records.find((r) => r.messageId === item.messageId)!.body) as { event: GenesysEvent }).event,
      );
      expect(handedOff!.envelope).not.toBe(item.event); // the event model's own copy
    }
    expect(parsedEvents.stats()).toMatchObject({ reused: items.length, mismatched: 0 });
  });

  it('validates one EventBridge event in direct mode, given as an object', async () => {
    const { validator } = validatorWithStores();
    const event = conversationEvent('acd.end', { acdOutcome: 'ANSWERED', brandNew: { nested: [1] } });
    const { items, invalid } = await validator.validate({ source: 'eventbridge', event });
    expect(invalid).toBe(0);
    expectSameValue(items, [
      { messageId: event.id, receiveCount: 1, event: JSON.parse(JSON.stringify(event)) as unknown },
    ]);
  });

  it('names the topic of an invalid event when its JSON is readable', async () => {
    const { deadLetters, validator } = validatorWithStores();
    const bad = JSON.stringify(conversationEvent('acd.end', { eventTime: 'yesterday' }));
    const { invalid } = await validator.validate({
      source: 'sqs',
      records: [sqsRecord(bad, { messageId: 'bad' }), sqsRecord('{"detail-type":', { messageId: 'cut' })],
    });
    expect(invalid).toBe(2);
    const entries = await deadLetters.list();
    expect(entries.find((e) => e.messageId === 'bad')).toMatchObject({
      topic: 'v2.detail.events.conversation.{id}.acd.end',
    });
    expect(entries.find((e) => e.messageId === 'cut')!.topic).toBeUndefined();
  });
});
