/**
 * The runtime writes idempotency records with ids ordered by event time (fewer pages written per
 * event), but a data directory written before — records with Powertools' ids, no recorded scheme —
 * keeps Powertools' ids: an event re-sent after the upgrade must still find its record and count
 * as a duplicate, not be processed a second time.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import {
  createProcessor,
  idempotencyRecordId,
  openSqliteDatabase,
  SqliteDeadLetterStore,
  SqliteIdempotencyPersistenceLayer,
} from '../../src/processing/index.js';
import { resolveIdempotencyRecordIds } from '../../src/processing/stores/sqlite-idempotency.js';
import { startRuntime } from '../../src/runtime/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { tempDir } from '../support/tmp.js';
import { BUS, entryOf } from './support.js';

const dir = tempDir('gep-runtime-record-ids-');

describe('idempotency record id scheme', () => {
  it('a new database takes the preferred scheme and keeps it; one with records and no scheme keeps Powertools ids', () => {
    const fresh = openSqliteDatabase(join(dir, 'fresh.sqlite'));
    expect(resolveIdempotencyRecordIds(fresh, true)).toBe(true);
    expect(resolveIdempotencyRecordIds(fresh, false)).toBe(true); // fixed at the first call
    fresh.close();

    const legacy = openSqliteDatabase(join(dir, 'legacy.sqlite'));
    new SqliteIdempotencyPersistenceLayer(legacy); // creates the table
    legacy
      .prepare("INSERT INTO idempotency (id, status, expiration) VALUES ('genesys-event#x', 'COMPLETED', 9e9)")
      .run();
    expect(resolveIdempotencyRecordIds(legacy, true)).toBe(false);
    expect(resolveIdempotencyRecordIds(legacy, true)).toBe(false);
    legacy.close();
  });

  it('the runtime on a data dir of the previous version: an event processed then is a duplicate now', async () => {
    const dataDir = join(dir, 'upgraded');
    const [line] = [...generateEvents({ conversations: 1, seed: 5 })];
    const parsed = parseGenesysEvent(line!);
    if (!parsed.ok || parsed.event.kind !== 'conversation') throw new Error('expected a conversation event');

    // What the previous version left: the event processed, its record under Powertools' id.
    mkdirSync(dataDir, { recursive: true });
    const db = openSqliteDatabase(join(dataDir, 'pipeline.sqlite'));
    const processor = createProcessor({
      persistenceStore: new SqliteIdempotencyPersistenceLayer(db),
      sinks: [],
      deadLetters: new SqliteDeadLetterStore(db),
    });
    expect((await processor.process({ messageId: 'm1', event: JSON.parse(line!) })).status).toBe('processed');
    db.close();

    const runtime = await startRuntime({ dataDir, port: 0, batchWindowMs: 0 });
    try {
      const response = await runtime.pipeline.eventBridge.putEvents({
        Entries: [{ ...entryOf(line!), EventBusName: BUS }] as never,
      });
      expect(response.FailedEntryCount).toBe(0);
      const deadline = Date.now() + 10_000;
      const outcomes = async (): Promise<number> => {
        const s = await runtime.telemetry.snapshot();
        return s.processed + s.duplicates;
      };
      while ((await outcomes()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const stats = await runtime.telemetry.snapshot();
      expect({ processed: stats.processed, duplicates: stats.duplicates }).toEqual({ processed: 0, duplicates: 1 });
      const ids = runtime.pipeline.processingReader.prepare('SELECT id FROM idempotency').pluck().all();
      expect(ids).toEqual([idempotencyRecordId(parsed.event.key, parsed.event.eventTime)]);
      // The processing tables moved from pipeline.sqlite to processing.sqlite.
      expect(
        runtime.pipeline.database
          .prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('idempotency', 'conversations', 'dead_letters')")
          .pluck()
          .get(),
      ).toBe(0);
    } finally {
      await runtime.stop();
    }

    // A new data dir gets time-ordered ids.
    const fresh = await startRuntime({ dataDir: join(dir, 'new'), port: 0, batchWindowMs: 0 });
    try {
      await fresh.pipeline.eventBridge.putEvents({ Entries: [{ ...entryOf(line!), EventBusName: BUS }] as never });
      const deadline = Date.now() + 10_000;
      while ((await fresh.telemetry.snapshot()).processed === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const ids = fresh.pipeline.processingReader
        .prepare("SELECT id FROM idempotency WHERE status = 'COMPLETED'")
        .pluck()
        .all();
      expect(ids).toEqual([
        idempotencyRecordId(parsed.event.key, parsed.event.eventTime, { recordIdsByEventTime: true }),
      ]);
    } finally {
      await fresh.stop();
    }
  }, 30_000);
});
