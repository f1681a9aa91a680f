/**
 * The data lake's record and its local sink (`run --lake-dir`), through the real processor on
 * real SQLite and real files: one normalized line per event in `family=…/dt=…/part-….ndjson`,
 * durable before the processor records the event, never written twice (a re-sent event, a retry
 * after a later sink's failure, a crash between the write and the index), and a directory it
 * cannot write refused at open with a clear message.
 */
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  lakePartition,
  lakePartitionPath,
  lakeRecord,
  LakeFileSink,
  LakeSinkError,
  LAKE_COLUMNS,
  TransientProcessingError,
} from '../../src/processing/index.js';
import type { LakeRecord, Sink } from '../../src/processing/index.js';
import { parseGenesysEvent } from '../../src/events/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import {
  auditEvent,
  conversationEvent,
  genesysEvent,
  presenceEvent,
  transcriptionEvent,
  USER_ID,
} from '../support/events.js';
import { tempDir } from '../support/tmp.js';
import { sqliteProcessor } from './support.js';

const dir = tempDir('gep-lake-files-');

function parsed(envelope: Record<string, unknown>): GenesysEvent {
  const result = parseGenesysEvent(envelope);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
}

/** Every line of every part file under `lake`, by partition path. */
function readLake(lake: string): Map<string, LakeRecord[]> {
  const found = new Map<string, LakeRecord[]>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/^part-.+\.ndjson$/.test(entry.name)) {
        const partition = relative(lake, d);
        const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
        found.set(partition, [...(found.get(partition) ?? []), ...lines.map((l) => JSON.parse(l) as LakeRecord)]);
      }
    }
  };
  walk(lake);
  return found;
}

const processorWith = (sinks: Sink[], maxAttempts = 5) => sqliteProcessor(dir, sinks, maxAttempts);

describe('the lake record', () => {
  it('normalizes every family to the same fields, with its ids, typed body and partition', () => {
    const conversation = lakeRecord(
      parsed(conversationEvent('acd.end', { eventTime: Date.UTC(2026, 11, 7, 23, 59) })),
      {
        messageId: 'm1',
        processedAt: Date.UTC(2026, 11, 8, 0, 0, 1),
      },
    );
    expect(conversation).toMatchObject({
      v: 1,
      family: 'conversation',
      topic: 'v2.detail.events.conversation.{id}.acd.end',
      event_time: '2026-12-07T23:59:00.000Z',
      ingest_time: '2026-01-01T12:00:00.000Z',
      processed_time: '2026-12-08T00:00:01.000Z',
      event_id: '0d3f7a10-6f5e-4f3b-9a51-8f2d6c1b2a01',
      message_id: 'm1',
      conversation_id: '5f1c2d3e-4a5b-4c6d-8e7f-9a8b7c6d5e4f',
    });
    expect(conversation.idempotency_key).toMatch(/^[0-9a-f]{64}$/);
    expect(conversation.body).toMatchObject({ eventTime: Date.UTC(2026, 11, 7, 23, 59) });
    // The event's own date, not the processing date.
    expect(lakePartitionPath(lakePartition(conversation))).toBe('family=conversation/dt=2026-12-07');

    const at = { messageId: 'm', processedAt: 0 };
    expect(lakeRecord(parsed(presenceEvent()), at)).toMatchObject({ family: 'user-presence', user_id: USER_ID });
    expect(lakeRecord(parsed(auditEvent()), at)).toMatchObject({ family: 'audit', entity_type: expect.any(String) });
    expect(lakeRecord(parsed(transcriptionEvent()), at)).toMatchObject({
      family: 'transcription',
      conversation_id: expect.any(String),
    });
    const generic = lakeRecord(
      parsed(genesysEvent('v2.quality.evaluations.{id}', 'v2.quality.evaluations.e1', { id: 'e1', status: 'DONE' })),
      at,
    );
    expect(generic).toMatchObject({ family: 'generic', ids: ['e1'], entity_id: 'e1', body: { status: 'DONE' } });
  });

  it('has a column for every field of the record but the partition keys', () => {
    const record = lakeRecord(
      parsed(genesysEvent('v2.quality.evaluations.{id}', 'v2.quality.evaluations.e1', { id: 'e1' })),
      { messageId: 'm', processedAt: 0 },
    );
    const fields = Object.keys({ ...record, conversation_id: '', user_id: '', entity_type: '' }).filter(
      (f) => f !== 'family',
    );
    expect(LAKE_COLUMNS.map((c) => c.name).sort()).toEqual(fields.sort());
  });
});

describe('the local lake sink', () => {
  it('writes one line per event into its family and date partition, and never twice', async () => {
    const lakeDir = join(dir, 'lake-1');
    const lake = await LakeFileSink.open({ dir: lakeDir });
    const { processor } = processorWith([lake]);
    const events = [
      conversationEvent('acd.start', { eventTime: Date.UTC(2026, 11, 6, 10) }),
      conversationEvent('acd.end', { eventTime: Date.UTC(2026, 11, 7, 10) }),
      presenceEvent(),
      auditEvent(),
    ];
    for (const [i, e] of events.entries()) {
      expect((await processor.process({ messageId: `m${i}`, event: e })).status).toBe('processed');
    }
    // Genesys re-sends an event (a new envelope id, the same event): a duplicate, no new line.
    const resent = { ...events[1]!, id: 'a-new-envelope-id' };
    expect((await processor.process({ messageId: 'm9', event: resent })).status).toBe('duplicate');
    // A fresh processor (its idempotency records gone): the lake's own index still knows the key.
    const again = processorWith([lake]);
    expect((await again.processor.process({ messageId: 'm10', event: resent })).status).toBe('processed');
    lake.close();

    const partitions = readLake(lakeDir);
    expect([...partitions.keys()].sort()).toEqual([
      'family=audit/dt=2026-01-01',
      'family=conversation/dt=2026-12-06',
      'family=conversation/dt=2026-12-07',
      'family=user-presence/dt=2026-01-01',
    ]);
    expect([...partitions.values()].every((records) => records.length === 1)).toBe(true);
    expect(partitions.get('family=conversation/dt=2026-12-07')![0]).toMatchObject({ message_id: 'm1' });
  });

  it('is written again by a retry only once: a later sink failing transiently does not duplicate the line', async () => {
    const lakeDir = join(dir, 'lake-2');
    const lake = await LakeFileSink.open({ dir: lakeDir });
    let failures = 2;
    const flaky: Sink = {
      name: 'crm',
      async handle() {
        if (failures-- > 0) throw new TransientProcessingError('CRM busy');
      },
    };
    const { processor } = processorWith([lake, flaky]);
    const event = conversationEvent('acd.end');
    await expect(processor.process({ messageId: 'a', event })).rejects.toThrow(/CRM busy/);
    await expect(processor.process({ messageId: 'a', event })).rejects.toThrow(/CRM busy/);
    expect((await processor.process({ messageId: 'a', event })).status).toBe('processed');
    lake.close();
    expect([...readLake(lakeDir).values()].flat()).toHaveLength(1);
  });

  it('after a crash between the write and the index: indexes the lines, cuts a torn one, writes no duplicate', async () => {
    const lakeDir = join(dir, 'lake-3');
    const lake = await LakeFileSink.open({ dir: lakeDir });
    const first = parsed(conversationEvent('acd.start'));
    await lake.handle(first, { messageId: 'm1', receiveCount: 1, directory: { lookup: async () => undefined } });
    lake.close();
    // What a crash leaves: a complete line the index never heard of, and a torn one after it.
    const partition = join(lakeDir, 'family=conversation', 'dt=2026-01-01');
    const [file] = readdirSync(partition);
    const path = join(partition, file!);
    const unindexed = parsed(conversationEvent('acd.end'));
    appendFileSync(path, JSON.stringify(lakeRecord(unindexed, { messageId: 'm2', processedAt: 0 })) + '\n');
    const beforeTorn = statSync(path).size;
    appendFileSync(path, '{"v":1,"family":"conversation","idempotency_key":"tor');

    const reopened = await LakeFileSink.open({ dir: lakeDir });
    expect(statSync(path).size).toBe(beforeTorn);
    const context = { messageId: 'm3', receiveCount: 2, directory: { lookup: async () => undefined } };
    await reopened.handle(unindexed, context);
    await reopened.handle(first, context);
    reopened.close();
    const lines = [...readLake(lakeDir).values()].flat();
    expect(lines.map((l) => l.message_id)).toEqual(['m1', 'm2']);
  });

  it('groups concurrent events of a partition into shared writes, each line complete', async () => {
    const lakeDir = join(dir, 'lake-4');
    const lake = await LakeFileSink.open({ dir: lakeDir, maxPartFileBytes: 4096 });
    const context = { messageId: 'm', receiveCount: 1, directory: { lookup: async () => undefined } };
    const events = Array.from({ length: 200 }, (_, i) =>
      parsed(conversationEvent('acd.start', { eventTime: Date.UTC(2026, 11, 7) + i })),
    );
    // In rounds of 50 at once, each event twice: the second waits for the first's write.
    for (let i = 0; i < events.length; i += 50)
      await Promise.all(events.slice(i, i + 50).flatMap((e) => [lake.handle(e, context), lake.handle(e, context)]));
    lake.close();
    const partitionDir = join(lakeDir, 'family=conversation', 'dt=2026-12-07');
    // Rolled over at the size limit: several part files.
    expect(readdirSync(partitionDir).length).toBeGreaterThan(1);
    const keys = [...readLake(lakeDir).values()].flat().map((r) => r.idempotency_key);
    expect(keys).toHaveLength(200);
    expect(new Set(keys).size).toBe(200);
  });

  it('refuses a directory it cannot create or write, saying which and how to fix it', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const error = await LakeFileSink.open({ dir: join(file, 'lake') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeSinkError);
    expect((error as Error).message).toMatch(/The lake directory .*a-file\/lake cannot be created \(ENOTDIR\)/);
    expect((error as Error).message).toMatch(/Give --lake-dir a directory this user can create and write/);
    await expect(LakeFileSink.open({ dir: file })).rejects.toThrow(
      /a-file cannot be created \(EEXIST\)|is not writable/,
    );
  });
});
