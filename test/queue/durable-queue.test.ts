import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { InvalidReceiptHandleError, QueueArgumentError, QueueConfigError, QueueStore } from '../../src/queue/index.js';
import { HELD_BY_RECEIVER } from '../../src/queue/queue-table.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-queue-');
let counter = 0;
const stores: QueueStore[] = [];

/** A store on a fresh SQLite file with a clock the test moves by hand. */
function openStoreIn(leasesInMemory: boolean, path = join(dir, `q${++counter}.sqlite`)) {
  const clock = { t: 1_700_000_000_000 };
  const store = QueueStore.open(path, { now: () => clock.t, accountId: '123456789012', leasesInMemory });
  stores.push(store);
  return { store, clock, path };
}

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

describe.each([false, true])('leases in memory: %s', (leasesInMemory) => {
  const openStore = (path?: string) => openStoreIn(leasesInMemory, path);

  describe('DurableQueue', () => {
    it('round-trips a message with SQS system attributes and a new receipt handle per receive', async () => {
      const { store, clock } = openStore();
      const queue = store.queue('events', { visibilityTimeoutMs: 1000 });
      const sentAt = clock.t;
      const { messageId } = queue.send({ body: '{"n":1}', messageAttributes: { kind: 'test' } });

      clock.t += 5;
      const [first] = await queue.receive({ max: 10 });
      expect(first).toMatchObject({
        messageId,
        body: '{"n":1}',
        messageAttributes: { kind: 'test' },
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(sentAt),
          ApproximateFirstReceiveTimestamp: String(sentAt + 5),
        },
      });
      expect(await queue.receive()).toEqual([]); // hidden while in flight

      clock.t += 1000; // visibility timeout over: delivered again
      const [second] = await queue.receive();
      expect(second!.messageId).toBe(messageId);
      expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
      expect(second!.attributes).toMatchObject({
        ApproximateReceiveCount: '2',
        ApproximateFirstReceiveTimestamp: String(sentAt + 5),
      });

      expect(queue.deleteMessage(second!.receiptHandle)).toBe(true);
      clock.t += 10_000;
      expect(await queue.receive()).toEqual([]);
      expect(queue.stats().total).toBe(0);
    });

    it('refuses a stale receipt handle once another consumer received the message', async () => {
      const { store, clock } = openStore();
      const queue = store.queue('events', { visibilityTimeoutMs: 100 });
      queue.send({ body: 'x' });
      const [a] = await queue.receive(); // consumer A
      clock.t += 150; // A was too slow
      const [b] = await queue.receive(); // consumer B now holds it
      expect(queue.deleteMessage(a!.receiptHandle)).toBe(false);
      expect(queue.changeVisibility(a!.receiptHandle, 0)).toBe(false);
      expect(queue.stats()).toMatchObject({ total: 1, inFlight: 1 });
      expect(queue.deleteMessages([a!.receiptHandle, b!.receiptHandle])).toEqual({
        deleted: 1,
        stale: [a!.receiptHandle],
      });
      expect(queue.stats().total).toBe(0);
    });

    it('rejects receipt handles it never issued', () => {
      const { store } = openStore();
      const a = store.queue('a');
      const b = store.queue('b');
      b.send({ body: 'x' });
      expect(() => a.deleteMessage('not-a-handle')).toThrow(InvalidReceiptHandleError);
      return b.receive().then(([m]) => {
        expect(() => a.deleteMessage(m!.receiptHandle)).toThrow(/belongs to another queue/);
      });
    });

    it('changes visibility: extends it, or releases the message at once with 0', async () => {
      const { store, clock } = openStore();
      const queue = store.queue('events', { visibilityTimeoutMs: 100 });
      queue.send({ body: 'x' });
      const [m] = await queue.receive();
      expect(queue.changeVisibility(m!.receiptHandle, 10_000)).toBe(true);
      clock.t += 5000;
      expect(await queue.receive()).toEqual([]);
      expect(queue.changeVisibility(m!.receiptHandle, 0)).toBe(true);
      const [again] = await queue.receive();
      expect(again!.attributes.ApproximateReceiveCount).toBe('2');
    });

    it('moves a message to the dead-letter queue, with the reason, after maxReceiveCount receives', async () => {
      const { store, clock } = openStore();
      const dlq = store.queue('events-dlq');
      const queue = store.queue('events', {
        visibilityTimeoutMs: 10,
        redrivePolicy: { deadLetterQueue: 'events-dlq', maxReceiveCount: 2 },
      });
      const sentAt = clock.t;
      const { messageId } = queue.send({ body: 'poison', messageAttributes: { a: '1' } });
      queue.send({ body: 'good' });

      for (let i = 1; i <= 2; i++) {
        const got = await queue.receive({ max: 10 });
        expect(got.map((m) => m.body).sort()).toEqual(['good', 'poison']);
        queue.deleteMessages(got.filter((m) => m.body === 'good').map((m) => m.receiptHandle));
        if (i === 1) queue.send({ body: 'good' });
        clock.t += 20;
      }
      expect(await queue.receive({ max: 10 })).toEqual([]); // third receive: moved instead of delivered
      const [dead] = await dlq.receive();
      expect(dead).toMatchObject({
        messageId,
        body: 'poison',
        messageAttributes: { a: '1' },
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(sentAt),
          DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:123456789012:events',
        },
      });
      expect(dead!.attributes.DeadLetterReason).toMatch(/received 2 times without being deleted \(maxReceiveCount 2\)/);
    });

    it('redrives dead letters back to their source queue as new messages', async () => {
      const { store, clock } = openStore();
      const dlq = store.queue('events-dlq');
      const queue = store.queue('events', {
        visibilityTimeoutMs: 10,
        redrivePolicy: { deadLetterQueue: 'events-dlq', maxReceiveCount: 1 },
      });
      const ids = queue.sendBatch([{ body: 'a' }, { body: 'b' }, { body: 'c' }]).map((m) => m.messageId);
      await queue.receive({ max: 10 });
      clock.t += 20;
      expect(await queue.receive({ max: 10 })).toEqual([]);
      expect(dlq.stats().visible).toBe(3);

      expect(await dlq.redrive({ maxMessages: 2 })).toEqual({ moved: 2 });
      expect(await dlq.redrive()).toEqual({ moved: 1 });
      expect(dlq.stats().total).toBe(0);
      const back = await queue.receive({ max: 10 });
      expect(back.map((m) => m.body).sort()).toEqual(['a', 'b', 'c']);
      for (const m of back) {
        expect(ids).not.toContain(m.messageId);
        expect(m.attributes.ApproximateReceiveCount).toBe('1');
        expect(m.attributes.SentTimestamp).toBe(String(clock.t));
        expect(m.attributes.DeadLetterQueueSourceArn).toBeUndefined();
      }
    });

    it('redrive needs a destination for messages sent to the dead-letter queue directly', async () => {
      const { store } = openStore();
      const dlq = store.queue('dlq');
      const other = store.queue('other');
      dlq.send({ body: 'x' });
      await expect(dlq.redrive()).rejects.toThrow(QueueConfigError);
      expect(await dlq.redrive({ destination: other })).toEqual({ moved: 1 });
      expect(other.stats().visible).toBe(1);
    });

    it('deletes messages older than the retention period', async () => {
      const { store, clock } = openStore();
      const queue = store.queue('events', { retentionMs: 60_000 });
      queue.send({ body: 'old' });
      clock.t += 30_000;
      queue.send({ body: 'new' });
      clock.t += 30_000;
      const got = await queue.receive({ max: 10 });
      expect(got.map((m) => m.body)).toEqual(['new']);
      expect(queue.stats().total).toBe(1);
    });

    it('reports visible, in-flight, delayed and the oldest message age', async () => {
      const { store, clock } = openStore();
      const queue = store.queue('events');
      queue.sendBatch([{ body: '1' }, { body: '2' }, { body: '3' }, { body: '4', delayMs: 60_000 }]);
      clock.t += 1000;
      await queue.receive({ max: 2 });
      expect(queue.stats()).toEqual({ visible: 1, inFlight: 2, delayed: 1, total: 4, oldestMessageAgeMs: 1000 });
      clock.t += 60_000;
      expect(queue.stats()).toMatchObject({ visible: 4, inFlight: 0, delayed: 0 }); // the 30 s default visibility ran out too
      expect(queue.purge()).toBe(4);
      expect(queue.stats()).toEqual({ visible: 0, inFlight: 0, delayed: 0, total: 0, oldestMessageAgeMs: null });
    });

    it('stores a batch atomically: one bad message and none is stored', () => {
      const { store } = openStore();
      const queue = store.queue('events', { maxMessageBytes: 1024 });
      expect(() => queue.sendBatch([{ body: 'ok' }, { body: '' }])).toThrow(QueueArgumentError);
      expect(() => queue.sendBatch([{ body: 'ok' }, { body: 'x'.repeat(2000) }])).toThrow(
        /over the queue's maxMessageBytes of 1024/,
      );
      expect(queue.stats().total).toBe(0);
    });

    it('validates attributes with messages that say how to fix them', () => {
      const { store } = openStore();
      expect(() => store.queue('bad name')).toThrow(/1–80 letters, digits, hyphens/);
      expect(() => store.queue('q', { visibilityTimeoutMs: -1 })).toThrow(/visibilityTimeoutMs must be a whole number/);
      expect(() => store.queue('q', { redrivePolicy: { deadLetterQueue: 'missing', maxReceiveCount: 3 } })).toThrow(
        /create it first/,
      );
      expect(() => store.queue('q', { redrivePolicy: { deadLetterQueue: 'q', maxReceiveCount: 3 } })).toThrow(
        /cannot be the queue itself/,
      );
    });

    it('keeps messages and attributes across close and reopen', async () => {
      const { store, path, clock } = openStore();
      store.queue('dlq');
      store
        .queue('events', { visibilityTimeoutMs: 5000, redrivePolicy: { deadLetterQueue: 'dlq', maxReceiveCount: 3 } })
        .send({ body: 'persisted' });
      store.close();
      const reopened = QueueStore.open(path, { now: () => clock.t, accountId: '123456789012' });
      stores.push(reopened);
      const queue = reopened.queue('events');
      expect(queue.config).toMatchObject({
        visibilityTimeoutMs: 5000,
        redrivePolicy: { deadLetterQueue: 'dlq', maxReceiveCount: 3 },
      });
      expect((await queue.receive()).map((m) => m.body)).toEqual(['persisted']);
    });
  });

  describe('DurableQueue with real time', () => {
    it('long polling returns as soon as a message is sent', async () => {
      const store = QueueStore.open(join(dir, `lp${++counter}.sqlite`));
      stores.push(store);
      const queue = store.queue('events');
      // A 10-minute long poll: the test (60 s timeout) passes only if the send ends it.
      const receiving = queue.receive({ waitMs: 600_000 });
      setTimeout(() => queue.send({ body: 'late' }), 30);
      const got = await receiving;
      expect(got.map((m) => m.body)).toEqual(['late']);
      expect(await queue.receive({ waitMs: 50 })).toEqual([]);
    });

    it('redelivers after a real visibility timeout expires', async () => {
      const store = QueueStore.open(join(dir, `vt${++counter}.sqlite`));
      stores.push(store);
      const queue = store.queue('events');
      queue.send({ body: 'x' });
      const [first] = await queue.receive({ visibilityTimeoutMs: 50 });
      const [second] = await queue.receive({ waitMs: 3000 });
      expect(second!.messageId).toBe(first!.messageId);
      expect(second!.attributes.ApproximateReceiveCount).toBe('2');
    });

    it('gives each message to exactly one of several concurrent consumers', async () => {
      const store = QueueStore.open(join(dir, `cc${++counter}.sqlite`));
      stores.push(store);
      const queue = store.queue('events', { visibilityTimeoutMs: 60_000 });
      const total = 2000;
      for (let i = 0; i < total; i += 100) {
        queue.sendBatch(Array.from({ length: 100 }, (_, j) => ({ body: String(i + j) })));
      }
      const seen: string[] = [];
      const consumer = async () => {
        for (;;) {
          const batch = await queue.receive({ max: 7, waitMs: 20 });
          if (batch.length === 0) return;
          await new Promise((resolve) => setImmediate(resolve));
          seen.push(...batch.map((m) => m.body));
          expect(queue.deleteMessages(batch.map((m) => m.receiptHandle)).deleted).toBe(batch.length);
        }
      };
      await Promise.all(Array.from({ length: 5 }, consumer));
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    });
  });

  describe('DurableQueue shutdown', () => {
    it('ends a long poll quietly when the store closes, and then refuses calls', async () => {
      const store = QueueStore.open(join(dir, `sd${++counter}.sqlite`));
      const queue = store.queue('events');
      const polling = queue.receive({ waitMs: 10_000 });
      setTimeout(() => store.close(), 20);
      expect(await polling).toEqual([]);
      expect(() => queue.send({ body: 'x' })).toThrow(/closed/);
    });
  });

  describe('QueueStore sharing a database', () => {
    it('sees queues that another store on the same database created later', async () => {
      const a = QueueStore.open(join(dir, `share${++counter}.sqlite`));
      stores.push(a);
      const b = QueueStore.onDatabase(a.database);
      a.queue('dlq');
      a.queue('events', { redrivePolicy: { deadLetterQueue: 'dlq', maxReceiveCount: 1 } }).send({ body: 'x' });
      const events = b.queue('events'); // no duplicate creation
      expect(events.config.redrivePolicy).toEqual({ deadLetterQueue: 'dlq', maxReceiveCount: 1 });
      expect((await events.receive()).map((m) => m.body)).toEqual(['x']);
      expect(b.listQueues().sort()).toEqual(['dlq', 'events']);
    });
  });
});

describe('DurableQueue leases in memory', () => {
  const rowOf = (path: string, body: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT visible_at, receive_count, receipt FROM durable_queue_1 WHERE body = ?').get(body) as {
        visible_at: number;
        receive_count: number;
        receipt: number;
      };
    } finally {
      db.close();
    }
  };

  it('a receive writes nothing; a lease that ends is written as the receive it was; close writes the rest', async () => {
    const { store, clock, path } = openStoreIn(true);
    const queue = store.queue('events', { visibilityTimeoutMs: 100 });
    queue.sendBatch([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    const held = rowOf(path, 'a');
    expect(held.visible_at).toBe(HELD_BY_RECEIVER);
    const got = await queue.receive({ max: 3 });
    expect(got.map((m) => m.body)).toEqual(['a', 'b', 'c']);
    expect(rowOf(path, 'a')).toEqual(held); // nothing written
    expect(queue.deleteMessage(got[0]!.receiptHandle)).toBe(true);
    clock.t += 150; // b's and c's leases end
    expect(queue.stats()).toMatchObject({ visible: 2, inFlight: 0, total: 2 });
    expect(rowOf(path, 'b')).toMatchObject({ receive_count: 1, visible_at: clock.t - 50 });
    const [b] = await queue.receive();
    expect(b!.attributes.ApproximateReceiveCount).toBe('2');
    queue.send({ body: 'd' });
    store.close(); // leases and held rows are written as a store without leases would have them
    expect(rowOf(path, 'b')).toMatchObject({ receive_count: 2 });
    expect(rowOf(path, 'd').visible_at).toBeLessThan(HELD_BY_RECEIVER);
  });

  it('after a crash: a store with leases takes held messages again; one without releases them with releaseInFlight', async () => {
    const { store, path } = openStoreIn(true);
    const queue = store.queue('events');
    queue.sendBatch([{ body: 'x' }, { body: 'y' }]);
    expect(await queue.receive({ max: 1 })).toHaveLength(1); // leased when the "process dies"
    // A crash: the file as it is, without close (copied while the store is still open).
    const crashed = `${path}.crashed`;
    store.database.exec(`VACUUM INTO '${crashed}'`);
    const again = openStoreIn(true, crashed);
    const q = again.store.queue('events');
    expect(q.releaseInFlight()).toBe(2);
    const both = await q.receive({ max: 10 });
    expect(both.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([
      ['x', '1'],
      ['y', '1'],
    ]); // the cut-short receive is not counted
    const copy = `${path}.crashed-2`;
    store.database.exec(`VACUUM INTO '${copy}'`);
    const plain = openStoreIn(false, copy);
    const p = plain.store.queue('events');
    expect(await p.receive({ max: 10 })).toEqual([]); // held by a receiver that is gone: in flight
    expect(p.stats()).toMatchObject({ visible: 0, inFlight: 2 });
    expect(p.releaseInFlight()).toBe(2);
    expect((await p.receive({ max: 10 })).map((m) => m.body)).toEqual(['x', 'y']);
  });
});
