/**
 * The SQLite stores standalone (autocommit: each call its own transaction) and inside a
 * transaction the caller opened (the local runtime's group commit): the processor's whole
 * per-event path — idempotency record, projection, dead letters — commits or rolls back with
 * the caller's transaction, and behaves the same either way.
 */
import { join } from 'node:path';
import { IdempotencyConfig, IdempotencyKeyError } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import {
  ConversationProjectionSink,
  createProcessor,
  idempotencyRecordId,
  openSqliteDatabase,
  SqliteConversationQueries,
  SqliteConversationStore,
  SqliteDeadLetterStore,
  SqliteIdempotencyPersistenceLayer,
  TransientProcessingError,
} from '../../src/processing/index.js';
import { deadLetterEntry } from '../../src/processing/stores/dead-letter.js';
import { IDEMPOTENCY_KEY_PREFIX } from '../../src/processing/processor.js';
import type { ProcessStatus, Sink } from '../../src/processing/index.js';
import { tempDir } from '../support/tmp.js';
import { eventLine, sleep } from '../workflow/support.js';

const dir = tempDir('gep-transactions-');
let n = 0;

/** The local processing stores on one connection, and a second connection to read what is committed. */
function local(sinks: Sink[] = []) {
  const path = join(dir, `t-${n++}.db`);
  const db = openSqliteDatabase(path);
  const conversations = new SqliteConversationStore(db);
  const deadLetters = new SqliteDeadLetterStore(db);
  const idempotency = new SqliteIdempotencyPersistenceLayer(db);
  const processor = createProcessor({
    persistenceStore: idempotency,
    sinks: [new ConversationProjectionSink(conversations), ...sinks],
    deadLetters,
  });
  const other = openSqliteDatabase(path);
  const committed = {
    idempotency: () => other.prepare('SELECT COUNT(*) FROM idempotency').pluck().get() as number,
    facts: () => other.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get() as number,
    deadLetters: () => new SqliteDeadLetterStore(other).list(),
    conversations: new SqliteConversationQueries(other),
  };
  return { db, conversations, deadLetters, idempotency, processor, committed };
}

const CONVERSATION = '7a7a7a7a-0000-4000-8000-000000000001';
const events = [0, 1, 2, 3].map((i) => JSON.parse(eventLine(i, CONVERSATION)) as Record<string, unknown>);
const invalid = { version: '0', detail: 'not a Genesys event' };

async function run(processor: ReturnType<typeof local>['processor']): Promise<ProcessStatus[]> {
  const statuses: ProcessStatus[] = [];
  for (const [i, event] of [...events, events[1]!, invalid].entries())
    statuses.push((await processor.process({ messageId: `m-${i}`, event })).status);
  return statuses;
}
const EXPECTED: ProcessStatus[] = ['processed', 'processed', 'processed', 'processed', 'duplicate', 'dead-lettered'];

describe('the processor on SQLite stores, standalone and inside a caller’s transaction', () => {
  it('autocommit: every step is committed as it happens', async () => {
    const { processor, committed } = local();
    expect(await run(processor)).toEqual(EXPECTED);
    expect(committed.idempotency()).toBe(4);
    expect(committed.facts()).toBe(4);
    expect(committed.conversations.get(CONVERSATION)).toMatchObject({ eventCount: 4, waitingQueueId: 'q1' });
    expect(await committed.deadLetters()).toHaveLength(1);
  });

  it('inside BEGIN IMMEDIATE … COMMIT: the same outcomes, visible to others only after the commit', async () => {
    const { db, processor, committed } = local();
    db.exec('BEGIN IMMEDIATE');
    expect(await run(processor)).toEqual(EXPECTED);
    expect(db.inTransaction).toBe(true);
    expect([committed.idempotency(), committed.facts(), (await committed.deadLetters()).length]).toEqual([0, 0, 0]);
    expect(committed.conversations.get(CONVERSATION)).toBeUndefined();
    db.exec('COMMIT');
    expect([committed.idempotency(), committed.facts(), (await committed.deadLetters()).length]).toEqual([4, 4, 1]);
    expect(committed.conversations.get(CONVERSATION)).toMatchObject({ eventCount: 4 });
  });

  it('a rolled-back batch is undone as a whole: the same events are then processed again, not duplicates', async () => {
    const { db, processor, conversations, idempotency, deadLetters, committed } = local();
    db.exec('BEGIN IMMEDIATE');
    expect(await run(processor)).toEqual(EXPECTED);
    db.exec('ROLLBACK');
    expect(idempotency.countByStatus()).toEqual({});
    expect(await conversations.get(CONVERSATION)).toBeUndefined();
    expect(await deadLetters.list()).toEqual([]);
    db.exec('BEGIN IMMEDIATE');
    expect(await run(processor)).toEqual(EXPECTED);
    db.exec('COMMIT');
    expect(committed.conversations.get(CONVERSATION)).toMatchObject({ eventCount: 4 });
    expect(idempotency.countByStatus()).toEqual({ COMPLETED: 4 });
  });

  it('inside one transaction, a second delivery of an event in progress is told to retry, as in autocommit', async () => {
    const slow: Sink = { name: 'slow', handle: () => sleep(30) };
    const { db, processor } = local([slow]);
    db.exec('BEGIN IMMEDIATE');
    const results = await Promise.allSettled([
      processor.process({ messageId: 'a', event: events[0] }),
      processor.process({ messageId: 'b', event: events[0] }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
      TransientProcessingError,
    );
    expect(await processor.process({ messageId: 'b', event: events[0] })).toMatchObject({ status: 'duplicate' });
    db.exec('COMMIT');
  });

  it('the dead-letter store: standalone puts are committed at once; inside a rolled-back transaction they vanish', async () => {
    const { db, deadLetters, committed } = local();
    const entry = (id: string) =>
      deadLetterEntry({ stage: 'validate', reason: 'bad', body: `{"id":"${id}"}`, messageId: id });
    await deadLetters.put(entry('standalone'));
    expect((await committed.deadLetters()).map((e) => e.messageId)).toEqual(['standalone']);
    db.exec('BEGIN IMMEDIATE');
    await deadLetters.put(entry('rolled-back'));
    expect(await deadLetters.list()).toHaveLength(2);
    db.exec('ROLLBACK');
    expect((await deadLetters.list()).map((e) => e.messageId)).toEqual(['standalone']);
  });
});

describe('SqliteIdempotencyPersistenceLayer: idempotency keys', () => {
  class Exposed extends SqliteIdempotencyPersistenceLayer {
    key(data: unknown): string {
      return this.getHashedIdempotencyKey(data as never);
    }
    powertoolsKey(data: unknown): string {
      return (
        BasePersistenceLayer.prototype as unknown as { getHashedIdempotencyKey(d: unknown): string }
      ).getHashedIdempotencyKey.call(this, data);
    }
  }
  const layer = (
    config: ConstructorParameters<typeof IdempotencyConfig>[0],
    options: { recordIdsByEventTime?: boolean } = {},
  ) => {
    const l = new Exposed(openSqliteDatabase(join(dir, `k-${n++}.db`)), options);
    l.configure({ config: new IdempotencyConfig(config), keyPrefix: IDEMPOTENCY_KEY_PREFIX });
    return l;
  };

  it('are exactly the keys Powertools computes, for the processor’s configuration and others', () => {
    const simple = layer({ eventKeyJmesPath: 'key', throwOnNoIdempotencyKey: true });
    const sha = layer({ eventKeyJmesPath: 'key', hashFunction: 'sha256' });
    const nested = layer({ eventKeyJmesPath: 'detail.key' });
    const cases: Array<[Exposed, unknown]> = [
      [simple, { key: 'a'.repeat(64), nonce: 'n', context: { messageId: 'm' } }],
      [simple, { key: 'with "quotes" and ü', nonce: 'n' }],
      [simple, { key: 42 }],
      [simple, { key: { b: 1, a: [2, 1] } }],
      [sha, { key: 'abc' }],
      [nested, { detail: { key: 'abc' } }],
    ];
    for (const [l, data] of cases) {
      expect(l.key(data)).toBe(l.powertoolsKey(data));
      expect(l.key(data)).toMatch(new RegExp(`^${IDEMPOTENCY_KEY_PREFIX}#`));
    }
    expect(simple.key({ key: 'x' })).not.toBe(sha.key({ key: 'x' }));
  });

  it('ordered by event time when asked: the time before the same hash; without an eventTime, unchanged', () => {
    const plain = layer({ eventKeyJmesPath: 'key' });
    const timed = layer({ eventKeyJmesPath: 'key' }, { recordIdsByEventTime: true });
    const hash = plain.key({ key: 'abc' }).slice(`${IDEMPOTENCY_KEY_PREFIX}#`.length);
    expect(timed.key({ key: 'abc', eventTime: 1767268800123 })).toBe(
      `${IDEMPOTENCY_KEY_PREFIX}#001767268800123#${hash}`,
    );
    expect(timed.key({ key: 'abc' })).toBe(plain.key({ key: 'abc' }));
    expect(plain.key({ key: 'abc', eventTime: 1767268800123 })).toBe(plain.key({ key: 'abc' }));
    // Later events sort after earlier ones (what keeps inserts at the end of the index).
    expect(timed.key({ key: 'zzz', eventTime: 999 }) < timed.key({ key: 'aaa', eventTime: 1000 })).toBe(true);
  });

  it.each([false, true])(
    'idempotencyRecordId gives the ids the processor writes (recordIdsByEventTime: %s)',
    async (recordIdsByEventTime) => {
      const db = openSqliteDatabase(join(dir, `ids-${n++}.db`));
      const processor = createProcessor({
        persistenceStore: new SqliteIdempotencyPersistenceLayer(db, { recordIdsByEventTime }),
        sinks: [],
        deadLetters: new SqliteDeadLetterStore(db),
      });
      const results = [];
      for (const [i, event] of events.entries()) results.push(await processor.process({ messageId: `m-${i}`, event }));
      const ids = db.prepare('SELECT id FROM idempotency ORDER BY id').pluck().all();
      const expected = results.map((r, i) =>
        idempotencyRecordId(r.key!, (events[i]!.detail as { eventBody: { eventTime: number } }).eventBody.eventTime, {
          recordIdsByEventTime,
        }),
      );
      expect(ids).toEqual([...expected].sort());
      if (recordIdsByEventTime) expect(ids[0]).toMatch(new RegExp(`^${IDEMPOTENCY_KEY_PREFIX}#001767268800000#`));
      // Re-deliveries (new envelope id) find their records.
      for (const [i, event] of events.entries())
        expect(
          await processor.process({ messageId: `r-${i}`, event: { ...event, id: `redelivery-${i}` } }),
        ).toMatchObject({ status: 'duplicate' });
    },
  );

  it('records as earlier versions stored them (Powertools ids, a UUID nonce and processedAt) still make re-deliveries duplicates', async () => {
    const db = openSqliteDatabase(join(dir, `old-records-${n++}.db`));
    const layer = new SqliteIdempotencyPersistenceLayer(db);
    const processor = createProcessor({
      persistenceStore: layer,
      sinks: [],
      deadLetters: new SqliteDeadLetterStore(db),
    });
    const [first, second] = [events[0]!, events[1]!];
    const keyOf = (event: Record<string, unknown>) =>
      (parseGenesysEvent(event) as { ok: true; event: { key: string } }).event.key;
    db.prepare(
      "INSERT INTO idempotency (id, status, expiration, in_progress_expiration, data) VALUES (?, 'COMPLETED', ?, ?, ?)",
    ).run(
      idempotencyRecordId(keyOf(first), undefined),
      Math.round(Date.now() / 1000) + 3600,
      Date.now() - 1000,
      JSON.stringify({ nonce: '0b7c3f0e-4a9e-4d7e-9d55-4f1b2d7c1a11', processedAt: '2026-01-01T00:00:00.000Z' }),
    );
    expect(await processor.process({ messageId: 'a', event: first })).toMatchObject({ status: 'duplicate' });
    expect(await processor.process({ messageId: 'b', event: second })).toMatchObject({ status: 'processed' });
    // What this version stores: the nonce alone.
    const stored = JSON.parse(
      db
        .prepare('SELECT data FROM idempotency WHERE id = ?')
        .pluck()
        .get(idempotencyRecordId(keyOf(second), undefined)) as string,
    ) as Record<string, unknown>;
    expect(Object.keys(stored)).toEqual(['nonce']);
    // A new processor (a restart) tells its own runs from earlier ones.
    const restarted = createProcessor({
      persistenceStore: layer,
      sinks: [],
      deadLetters: new SqliteDeadLetterStore(db),
    });
    expect(await restarted.process({ messageId: 'c', event: second })).toMatchObject({ status: 'duplicate' });
    expect(await restarted.process({ messageId: 'd', event: events[2]! })).toMatchObject({ status: 'processed' });
  });

  it('hash one payload once, and still refuse a payload without a key', () => {
    const l = layer({ eventKeyJmesPath: 'key', throwOnNoIdempotencyKey: true });
    const data = { key: 'abc' };
    const first = l.key(data);
    data.key = 'changed'; // not something the processor does: shows the key is computed once per payload object
    expect(l.key(data)).toBe(first);
    expect(l.key({ key: 'changed' })).not.toBe(first);
    expect(() => l.key({ key: '' })).toThrow(IdempotencyKeyError);
    expect(() => l.key({ other: 1 })).toThrow(IdempotencyKeyError);
  });
});
