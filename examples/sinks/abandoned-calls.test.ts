/**
 * The example sink, loaded as `genesys-pipeline run --sink` loads it (the module file, through
 * tsx), run by the real processor against DynamoDB (dynalite): abandoned calls land in the table
 * once, whatever the re-deliveries; other events leave it alone; a missing table dead-letters the
 * event for this sink alone.
 */
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessor, openSqliteDatabase, SqliteIdempotencyPersistenceLayer } from '../../src/processing/index.js';
import type { Sink } from '../../src/processing/index.js';
import { loadSinkModules } from '../../src/runtime/sink-modules.js';
import { startDynalite } from '../../test/support/dynalite.js';
import type { DynaliteServer } from '../../test/support/dynalite.js';
import { conversationEvent, QUEUE_ID } from '../../test/support/events.js';
import { tempDir } from '../../test/support/tmp.js';
import { MemoryDeadLetterStore } from '../../test/workflow/support.js';

const MODULE = join(import.meta.dirname, 'abandoned-calls.ts');
let dynalite: DynaliteServer;
const saved = { ...process.env };

beforeAll(async () => {
  dynalite = await startDynalite([{ name: 'abandoned-calls', hashKey: 'eventKey' }]);
  Object.assign(process.env, dynalite.env);
});
afterAll(() => {
  process.env = saved;
});

const sinkFor = async (tableName: string): Promise<Sink> =>
  (
    await loadSinkModules([{ path: MODULE, options: { tableName, endpoint: dynalite.endpoint, region: 'us-east-1' } }])
  )[0]!;

function processorWith(sink: Sink) {
  const deadLetters = new MemoryDeadLetterStore();
  const db = openSqliteDatabase(join(tempDir('gep-example-sink-'), 'p.db'));
  const processor = createProcessor({
    persistenceStore: new SqliteIdempotencyPersistenceLayer(db),
    sinks: [sink],
    deadLetters,
    directory: {
      lookup: async (kind, id) =>
        kind === 'queue' && id === QUEUE_ID ? { kind, id, name: 'Billing', attributes: {}, updatedAt: 0 } : undefined,
    },
  });
  return { processor, deadLetters };
}

const abandoned = conversationEvent('acd.end', { queueId: QUEUE_ID, acdOutcome: 'ABANDON', ani: 'tel:+3225551234' });
const answered = conversationEvent('acd.end', {
  queueId: QUEUE_ID,
  acdOutcome: 'ANSWERED',
  conversationId: '11111111-2222-4333-8444-555555555555',
});

describe('examples/sinks/abandoned-calls.ts', () => {
  it('writes each abandoned call once, with the queue name; ignores the rest', async () => {
    const sink = await sinkFor('abandoned-calls');
    expect(sink.name).toBe('abandoned-calls');
    const { processor } = processorWith(sink);
    expect(await processor.process({ messageId: 'm1', event: abandoned })).toMatchObject({ status: 'processed' });
    expect(await processor.process({ messageId: 'm2', event: abandoned })).toMatchObject({ status: 'duplicate' });
    expect(await processor.process({ messageId: 'm3', event: answered })).toMatchObject({ status: 'processed' });
    // Delivered to the sink again (at least once): the same item, not a second one.
    const again = processorWith(sink).processor;
    expect(await again.process({ messageId: 'm4', event: abandoned })).toMatchObject({ status: 'processed' });

    const items = (await dynalite.client.send(new ScanCommand({ TableName: 'abandoned-calls' }))).Items ?? [];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      queueId: { S: QUEUE_ID },
      queueName: { S: 'Billing' },
      ani: { S: 'tel:+3225551234' },
      abandonedAt: { S: '2026-01-01T12:00:00.000Z' },
    });
  });

  it('a missing table fails permanently: the event is dead-lettered for this sink, with what to fix', async () => {
    const { processor, deadLetters } = processorWith(await sinkFor('no-such-table'));
    const result = await processor.process({ messageId: 'm5', event: abandoned });
    expect(result.status).toBe('dead-lettered');
    const [entry] = await deadLetters.list();
    expect(entry?.reason).toContain('Table no-such-table does not exist');
  });

  it('refuses to start without its option, naming the module', async () => {
    await expect(loadSinkModules([{ path: MODULE }])).rejects.toThrow(/abandoned-calls needs the option "tableName"/);
  });
});
