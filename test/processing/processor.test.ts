import { createServer } from 'node:http';
import { listenOnLoopback } from '../support/http-server.js';
import { join } from 'node:path';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyItemAlreadyExistsError } from '@aws-lambda-powertools/idempotency';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationProjectionSink,
  createBatchReporter,
  createProcessor,
  DynamoDbConversationStore,
  openSqliteDatabase,
  PermanentProcessingError,
  ProcessorConfigError,
  SqliteConversationStore,
  SqliteIdempotencyPersistenceLayer,
  TransientProcessingError,
  WebhookSink,
  classifyError,
} from '../../src/processing/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import type { Sink } from '../../src/processing/index.js';
import { PIPELINE_TABLES, startDynalite } from '../support/dynalite.js';
import type { DynaliteServer } from '../support/dynalite.js';
import { tempDir } from '../support/tmp.js';
import { eventLine, MemoryDeadLetterStore, sleep } from '../workflow/support.js';
import { SqliteFailureCounter } from '../../src/processing/stores/sqlite-failure-counter.js';

const dir = tempDir('gep-processor-');
let dynalite: DynaliteServer;
beforeAll(async () => {
  dynalite = await startDynalite([PIPELINE_TABLES.idempotency(), PIPELINE_TABLES.conversations()]);
});

class CountingSink implements Sink {
  readonly name = 'counting';
  readonly seen: string[] = [];
  constructor(private readonly behaviour: (event: GenesysEvent) => Promise<void> = async () => {}) {}
  async handle(event: GenesysEvent): Promise<void> {
    await this.behaviour(event);
    this.seen.push(event.key);
  }
}

const event = (i: number) => JSON.parse(eventLine(i)) as Record<string, unknown>;

const persistences: Array<
  [
    string,
    () => {
      persistenceStore: ConstructorParameters<typeof Object>[0];
      conversations: SqliteConversationStore | DynamoDbConversationStore;
    },
  ]
> = [
  [
    'SQLite',
    () => {
      const db = openSqliteDatabase(join(dir, `p-${Math.random()}.db`));
      return {
        persistenceStore: new SqliteIdempotencyPersistenceLayer(db),
        conversations: new SqliteConversationStore(db),
      };
    },
  ],
  [
    'SQLite, in-progress records in memory',
    () => {
      const db = openSqliteDatabase(join(dir, `pm-${Math.random()}.db`));
      return {
        persistenceStore: new SqliteIdempotencyPersistenceLayer(db, { inProgressInMemory: true }),
        conversations: new SqliteConversationStore(db),
      };
    },
  ],
  [
    'DynamoDB (dynalite)',
    () => ({
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: 'idempotency', awsSdkV3Client: dynalite.client }),
      conversations: new DynamoDbConversationStore({ tableName: 'conversations', client: dynalite.client }),
    }),
  ],
];

describe.each(persistences)('processor with %s idempotency', (_name, make) => {
  it('processes an event once; re-deliveries (new envelope id) are duplicates and run no sink', async () => {
    const { persistenceStore, conversations } = make();
    const sink = new CountingSink();
    const processor = createProcessor({
      persistenceStore: persistenceStore as never,
      sinks: [new ConversationProjectionSink(conversations), sink],
      deadLetters: new MemoryDeadLetterStore(),
    });
    const first = event(Math.floor(Math.random() * 1e9));
    const redelivery = { ...first, id: '11111111-2222-4333-8444-555555555555', time: '2026-01-02T00:00:00Z' };
    expect(await processor.process({ messageId: 'm1', event: first })).toMatchObject({ status: 'processed' });
    expect(await processor.process({ messageId: 'm2', event: redelivery })).toMatchObject({ status: 'duplicate' });
    expect(await processor.process({ messageId: 'm3', event: first })).toMatchObject({ status: 'duplicate' });
    expect(sink.seen).toHaveLength(1);
  });

  it('concurrent deliveries of one event: one processes, the other is told to retry (in progress), then is a duplicate', async () => {
    const { persistenceStore, conversations } = make();
    const sink = new CountingSink(() => sleep(50));
    const processor = createProcessor({
      persistenceStore: persistenceStore as never,
      sinks: [new ConversationProjectionSink(conversations), sink],
      deadLetters: new MemoryDeadLetterStore(),
    });
    const e = event(Math.floor(Math.random() * 1e9));
    const results = await Promise.allSettled([
      processor.process({ messageId: 'a', event: e }),
      processor.process({ messageId: 'b', event: e }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(TransientProcessingError);
    expect(String(rejected.reason.message)).toContain('IdempotencyAlreadyInProgressError');
    expect(await processor.process({ messageId: 'b', event: e })).toMatchObject({ status: 'duplicate' });
    expect(sink.seen).toHaveLength(1);
  });

  it('a transient sink failure leaves no record: the retry runs the sinks again', async () => {
    const { persistenceStore, conversations } = make();
    let failures = 1;
    const sink = new CountingSink(async () => {
      if (failures-- > 0) throw new TransientProcessingError('CRM busy');
    });
    const processor = createProcessor({
      persistenceStore: persistenceStore as never,
      sinks: [new ConversationProjectionSink(conversations), sink],
      deadLetters: new MemoryDeadLetterStore(),
    });
    const e = event(Math.floor(Math.random() * 1e9));
    await expect(processor.process({ messageId: 'm', event: e })).rejects.toThrow(/CRM busy/);
    expect(await processor.process({ messageId: 'm', event: e })).toMatchObject({ status: 'processed' });
    expect(sink.seen).toHaveLength(1);
  });

  it('a permanent failure is dead-lettered with the reason, not stored: a redrive processes it again', async () => {
    const { persistenceStore, conversations } = make();
    let broken = true;
    const sink = new CountingSink(async () => {
      if (broken) throw new PermanentProcessingError('CRM rejected the contact (HTTP 400)');
    });
    const deadLetters = new MemoryDeadLetterStore();
    const processor = createProcessor({
      persistenceStore: persistenceStore as never,
      sinks: [new ConversationProjectionSink(conversations), sink],
      deadLetters,
    });
    const e = event(Math.floor(Math.random() * 1e9));
    const result = await processor.process({ messageId: 'm', receiveCount: 1, event: e });
    expect(result).toMatchObject({ status: 'dead-lettered' });
    const [entry] = await deadLetters.list();
    expect(entry).toMatchObject({
      stage: 'process',
      errorName: 'PermanentProcessingError',
      messageId: 'm',
      eventKey: result.key,
    });
    expect(entry!.reason).toContain('CRM rejected the contact (HTTP 400)');
    broken = false;
    expect(await processor.process({ messageId: 'm', event: e })).toMatchObject({ status: 'processed' });
  });
});

describe('processor configuration and classification', () => {
  it('refuses an idempotency expiry within the 4-day Genesys re-send window', () => {
    const db = openSqliteDatabase(join(dir, 'cfg.db'));
    expect(() =>
      createProcessor({
        persistenceStore: new SqliteIdempotencyPersistenceLayer(db),
        sinks: [],
        deadLetters: new MemoryDeadLetterStore(),
        expiresAfterSeconds: 3600,
      }),
    ).toThrow(ProcessorConfigError);
  });

  it.each([
    [new TransientProcessingError('x'), 'transient'],
    [new PermanentProcessingError('x'), 'permanent'],
    [
      Object.assign(new Error('slow down'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      }),
      'transient',
    ],
    [
      Object.assign(new Error('no table'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }),
      'permanent',
    ],
    [Object.assign(new Error('oops'), { $metadata: { httpStatusCode: 503 } }), 'transient'],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'transient'],
    [new TypeError('x is undefined'), 'permanent'],
    [new Error('something else'), 'transient'],
  ])('classifies %s as %s', (error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});

describe('SqliteIdempotencyPersistenceLayer', () => {
  class Exposed extends SqliteIdempotencyPersistenceLayer {
    put(record: IdempotencyRecord) {
      return this._putRecord(record);
    }
    get(key: string) {
      return this._getRecord(key);
    }
    update(record: IdempotencyRecord) {
      return this._updateRecord(record);
    }
    remove(record: IdempotencyRecord) {
      return this._deleteRecord(record);
    }
  }
  const now = () => Date.now() / 1000;

  it('refuses a second put of a live record, with the existing record attached', async () => {
    const layer = new Exposed(openSqliteDatabase(join(dir, 'i1.db')));
    await layer.put(
      new IdempotencyRecord({
        idempotencyKey: 'k',
        status: 'INPROGRESS',
        expiryTimestamp: now() + 60,
        inProgressExpiryTimestamp: Date.now() + 60_000,
      }),
    );
    const error = await layer
      .put(new IdempotencyRecord({ idempotencyKey: 'k', status: 'INPROGRESS', expiryTimestamp: now() + 60 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyItemAlreadyExistsError);
    expect((error as IdempotencyItemAlreadyExistsError).existingRecord?.getStatus()).toBe('INPROGRESS');
  });

  it('overwrites an expired record and an in-progress record whose in-progress expiry has passed', async () => {
    const layer = new Exposed(openSqliteDatabase(join(dir, 'i2.db')));
    await layer.put(
      new IdempotencyRecord({ idempotencyKey: 'expired', status: 'COMPLETED', expiryTimestamp: now() - 1 }),
    );
    await layer.put(
      new IdempotencyRecord({ idempotencyKey: 'expired', status: 'INPROGRESS', expiryTimestamp: now() + 60 }),
    );
    expect((await layer.get('expired')).getStatus()).toBe('INPROGRESS');
    await layer.put(
      new IdempotencyRecord({
        idempotencyKey: 'stuck',
        status: 'INPROGRESS',
        expiryTimestamp: now() + 60,
        inProgressExpiryTimestamp: Date.now() - 1,
      }),
    );
    await layer.put(
      new IdempotencyRecord({
        idempotencyKey: 'stuck',
        status: 'INPROGRESS',
        expiryTimestamp: now() + 60,
        inProgressExpiryTimestamp: Date.now() + 60_000,
      }),
    );
    await expect(
      layer.put(new IdempotencyRecord({ idempotencyKey: 'stuck', status: 'INPROGRESS', expiryTimestamp: now() + 60 })),
    ).rejects.toBeInstanceOf(IdempotencyItemAlreadyExistsError);
    expect(layer.purgeExpired(new Date(Date.now() + 120_000))).toBe(2);
  });

  it('inProgressInMemory: an event in progress has no row, refuses a second put, and is written once, completed', async () => {
    const db = openSqliteDatabase(join(dir, 'i4.db'));
    const layer = new Exposed(db, { inProgressInMemory: true });
    const rows = () => db.prepare('SELECT id, status, data FROM idempotency ORDER BY id').all();
    await layer.put(
      new IdempotencyRecord({
        idempotencyKey: 'k',
        status: 'INPROGRESS',
        expiryTimestamp: now() + 60,
        inProgressExpiryTimestamp: Date.now() + 60_000,
      }),
    );
    expect(rows()).toEqual([]);
    expect((await layer.get('k')).getStatus()).toBe('INPROGRESS');
    expect(layer.countByStatus()).toEqual({ INPROGRESS: 1 });
    const error = await layer
      .put(new IdempotencyRecord({ idempotencyKey: 'k', status: 'INPROGRESS', expiryTimestamp: now() + 60 }))
      .catch((e: unknown) => e);
    expect((error as IdempotencyItemAlreadyExistsError).existingRecord?.getStatus()).toBe('INPROGRESS');
    await layer.update(
      new IdempotencyRecord({
        idempotencyKey: 'k',
        status: 'COMPLETED',
        expiryTimestamp: now() + 60,
        responseData: { nonce: 'n1' },
      }),
    );
    expect(rows()).toEqual([{ id: 'k', status: 'COMPLETED', data: '{"nonce":"n1"}' }]);
    expect(layer.countByStatus()).toEqual({ COMPLETED: 1 });
    // A completed row blocks the next put just as without the option; an expired one gives way.
    await expect(
      layer.put(new IdempotencyRecord({ idempotencyKey: 'k', status: 'INPROGRESS', expiryTimestamp: now() + 60 })),
    ).rejects.toBeInstanceOf(IdempotencyItemAlreadyExistsError);
    db.prepare('UPDATE idempotency SET expiration = ? WHERE id = ?').run(now() - 1, 'k');
    await layer.put(new IdempotencyRecord({ idempotencyKey: 'k', status: 'INPROGRESS', expiryTimestamp: now() + 60 }));
    await layer.update(
      new IdempotencyRecord({
        idempotencyKey: 'k',
        status: 'COMPLETED',
        expiryTimestamp: now() + 60,
        responseData: { nonce: 'n2' },
      }),
    );
    expect(rows()).toEqual([{ id: 'k', status: 'COMPLETED', data: '{"nonce":"n2"}' }]);
    // A failed event's record is deleted: the next put takes it; an abandoned one gives way too.
    await layer.put(new IdempotencyRecord({ idempotencyKey: 'f', status: 'INPROGRESS', expiryTimestamp: now() + 60 }));
    await layer.remove(new IdempotencyRecord({ idempotencyKey: 'f', status: 'INPROGRESS' }));
    await layer.put(
      new IdempotencyRecord({
        idempotencyKey: 'f',
        status: 'INPROGRESS',
        expiryTimestamp: now() + 60,
        inProgressExpiryTimestamp: Date.now() - 1,
      }),
    );
    await layer.put(new IdempotencyRecord({ idempotencyKey: 'f', status: 'INPROGRESS', expiryTimestamp: now() + 60 }));
    expect(layer.countByStatus()).toEqual({ COMPLETED: 1, INPROGRESS: 1 });
  });

  it('an abandoned in-progress event (crashed worker) is processed again after the in-progress timeout', async () => {
    const db = openSqliteDatabase(join(dir, 'i3.db'));
    const sink = new CountingSink();
    const layer = new SqliteIdempotencyPersistenceLayer(db);
    const processor = createProcessor({
      persistenceStore: layer,
      sinks: [sink],
      deadLetters: new MemoryDeadLetterStore(),
      inProgressTimeoutMs: 400,
    });
    const e = event(777);
    // A worker that took the record and died: INPROGRESS with an in-progress expiry 400 ms ahead.
    const stuck = createProcessor({
      persistenceStore: new SqliteIdempotencyPersistenceLayer(db),
      sinks: [new CountingSink(() => new Promise(() => {}))],
      deadLetters: new MemoryDeadLetterStore(),
      inProgressTimeoutMs: 400,
    });
    void stuck.process({ messageId: 'dead', event: e });
    while (layer.countByStatus().INPROGRESS !== 1) await sleep(1);
    await expect(processor.process({ messageId: 'm', event: e })).rejects.toBeInstanceOf(TransientProcessingError);
    await sleep(450);
    expect(await processor.process({ messageId: 'm', event: e })).toMatchObject({ status: 'processed' });
    expect(sink.seen).toHaveLength(1);
  });
});

describe('WebhookSink (real HTTP server on 127.0.0.1)', () => {
  async function server(statuses: number[]) {
    const received: Array<{ headers: Record<string, unknown>; body: Record<string, unknown> }> = [];
    const srv = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    });
    const listening = await listenOnLoopback(srv);
    return { url: `${listening.url}/hooks/genesys?token=s3cret`, received, close: listening.close };
  }

  it('posts the event with an Idempotency-Key; 5xx is transient, 4xx permanent; the token never appears in errors', async () => {
    const s = await server([200, 503, 400]);
    const db = openSqliteDatabase(join(dir, 'w.db'));
    const deadLetters = new MemoryDeadLetterStore();
    const processor = createProcessor({
      persistenceStore: new SqliteIdempotencyPersistenceLayer(db),
      sinks: [new WebhookSink({ url: s.url, retries: 0 })], // its own retries: test/processing/webhook.test.ts
      deadLetters,
    });
    const e1 = event(1001);
    expect(await processor.process({ messageId: 'm1', event: e1 })).toMatchObject({ status: 'processed' });
    expect(s.received[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f]{64}$/);
    expect(s.received[0]!.body).toMatchObject({
      messageId: 'm1',
      topic: 'v2.detail.events.conversation.{id}.acd.start',
      event: e1,
    });
    const transient = await processor.process({ messageId: 'm2', event: event(1002) }).catch((e: unknown) => e);
    expect(transient).toBeInstanceOf(TransientProcessingError);
    expect(String((transient as Error).message)).toContain('HTTP 503');
    expect(await processor.process({ messageId: 'm3', event: event(1003) })).toMatchObject({ status: 'dead-lettered' });
    const [entry] = await deadLetters.list();
    expect(entry!.reason).toContain('HTTP 400');
    expect(JSON.stringify([entry, (transient as Error).message])).not.toContain('s3cret');
    await s.close();
  });
});

describe('batch reporter', () => {
  it('hands throttled and failed events back to the queue, counts the rest, and dead-letters nothing itself', async () => {
    const reporter = createBatchReporter();
    const response = await reporter.report({
      invalid: 2,
      outcomes: [
        { messageId: 'a', status: 'processed' },
        { messageId: 'b', status: 'duplicate' },
        { messageId: 'c', status: 'dead-lettered' },
        { messageId: 'd', status: 'failed', error: 'TransientProcessingError', cause: 'short' },
        { messageId: 'e', status: 'throttled', error: 'Lambda.TooManyRequestsException' },
      ],
    });
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'd' }, { itemIdentifier: 'e' }],
      processed: 1,
      duplicates: 1,
      invalid: 2,
      deadLettered: 1,
      failed: 1,
      throttled: 1,
    });
    await expect(
      reporter.report({ invalid: 0, outcomes: [{ messageId: 'x', status: 'lost' as never }] }),
    ).rejects.toThrow(/Unknown outcome status "lost" for message x/);
  });
});

describe('failure counting (buffered mode)', () => {
  it('counts transient failures per event across deliveries, dead-letters the attempt that reaches the limit, then starts afresh', async () => {
    const db = openSqliteDatabase(join(dir, `f-${Math.random()}.db`));
    const counter = new SqliteFailureCounter(db);
    let failing = true;
    const deadLetters = new MemoryDeadLetterStore();
    const processor = createProcessor({
      persistenceStore: new SqliteIdempotencyPersistenceLayer(db),
      sinks: [
        new CountingSink(async () => {
          if (failing) throw new TransientProcessingError(`downstream down ${'!'.repeat(1_000)}`);
        }),
      ],
      deadLetters,
      failures: { counter, maxAttempts: 3 },
    });
    const e = event(2001);
    for (const id of ['a', 'b']) {
      const error = (await processor.process({ messageId: id, event: e }).catch((x: unknown) => x)) as Error;
      expect(error).toBeInstanceOf(TransientProcessingError);
      expect(error.message.length).toBeLessThanOrEqual(160);
    }
    expect(await processor.process({ messageId: 'c', event: e })).toMatchObject({ status: 'dead-lettered' });
    const [entry] = await deadLetters.list();
    expect(entry!.reason).toMatch(
      /^Sink "counting" failed 3 times \(the limit is 3 attempts across deliveries\); the last error: TransientProcessingError: downstream down/,
    );
    expect(entry).toMatchObject({ sink: 'counting', id: expect.stringMatching(/^process#[0-9a-f]{64}@counting$/) });
    // A redrive after the fix is processed: the count was reset.
    failing = false;
    expect(await processor.process({ messageId: 'd', event: e })).toMatchObject({ status: 'processed' });
    expect(await counter.increment('other')).toBe(1);
    expect(await counter.increment('other')).toBe(2);
  });

  it('does not count "another attempt of this event is in progress"', async () => {
    const counts: string[] = [];
    const processor = createProcessor({
      persistenceStore: new SqliteIdempotencyPersistenceLayer(openSqliteDatabase(join(dir, `g-${Math.random()}.db`))),
      sinks: [
        new CountingSink(async () => {
          throw Object.assign(new Error('busy'), { name: 'IdempotencyAlreadyInProgressError' });
        }),
      ],
      deadLetters: new MemoryDeadLetterStore(),
      failures: {
        counter: { increment: async (key) => (counts.push(key), counts.length), reset: async () => {} },
        maxAttempts: 1,
      },
    });
    await expect(processor.process({ messageId: 'x', event: event(2002) })).rejects.toBeInstanceOf(
      TransientProcessingError,
    );
    expect(counts).toEqual([]);
  });
});
