/**
 * The pieces the runtime adds or relies on, each on a real SQLite file: the group commit and its
 * durability barrier (what another connection sees, when), the bus's `afterCommit` hook, and the
 * durable queue's `releaseInFlight`, `peek`, `deleteById` and `redrive({ messageIds })`.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { durableQueueTarget, LocalEventBridge } from '../../src/eventbridge/index.js';
import { QueueStore } from '../../src/queue/index.js';
import { openSqliteDatabase } from '../../src/sqlite/index.js';
import { GroupCommit } from '../../src/runtime/group-commit.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-runtime-hooks-');

/** A file with table `t`, a connection that writes it, and a second one that counts what is committed. */
function tableWithReader(file: string) {
  const path = join(dir, file);
  const db = openSqliteDatabase(path);
  db.exec('CREATE TABLE t (v INTEGER)');
  const reader = new Database(path, { readonly: true });
  const count = (): number => reader.prepare('SELECT count(*) FROM t').pluck().get() as number;
  return { db, reader, count };
}

describe('GroupCommit', () => {
  it('holds writes in one transaction until a tick commits them; the barrier resolves after that commit', async () => {
    const { db, reader, count } = tableWithReader('gc.sqlite');
    const commits = new GroupCommit(db, { intervalMs: 20 });
    commits.start();
    db.prepare('INSERT INTO t VALUES (1)').run();
    db.transaction(() => db.prepare('INSERT INTO t VALUES (2)').run())(); // a savepoint inside the group transaction
    expect(count()).toBe(0); // not committed yet: another connection sees nothing
    let resolved = false;
    const barrier = commits.barrier().then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 1));
    expect(resolved).toBe(false);
    await barrier;
    expect(count()).toBe(2);
    expect(commits.stats().commits).toBeGreaterThanOrEqual(1);
    // Idle: after a tick without writes the connection is back in autocommit mode, the barrier immediate.
    await new Promise((r) => setTimeout(r, 80));
    expect(db.inTransaction).toBe(false);
    db.prepare('INSERT INTO t VALUES (3)').run();
    expect(count()).toBe(3);
    await commits.barrier();
    commits.stop();
    expect(db.inTransaction).toBe(false);
    reader.close();
    db.close();
  });

  it('hold(): an idle connection gets its group transaction at once, and keeps one across commits until released', async () => {
    const { db, reader, count } = tableWithReader('gc-hold.sqlite');
    const commits = new GroupCommit(db, { intervalMs: 10 });
    commits.start();
    await new Promise((r) => setTimeout(r, 40)); // idle ticks: back in autocommit mode
    expect(db.inTransaction).toBe(false);
    const release = commits.hold();
    expect(db.inTransaction).toBe(true); // opened now, not at the next tick
    db.prepare('INSERT INTO t VALUES (1)').run();
    expect(count()).toBe(0); // inside the group transaction, not autocommitted
    await commits.barrier();
    expect(count()).toBe(1);
    await new Promise((r) => setTimeout(r, 40)); // ticks without writes, but held: still one open
    expect(db.inTransaction).toBe(true);
    db.prepare('INSERT INTO t VALUES (2)').run();
    expect(count()).toBe(1);
    release();
    release(); // twice is harmless
    await commits.barrier();
    expect(count()).toBe(2);
    await new Promise((r) => setTimeout(r, 40));
    expect(db.inTransaction).toBe(false); // released and idle: autocommit again
    commits.stop();
    expect(commits.hold()).toBeTypeOf('function'); // after stop: nothing opened
    expect(db.inTransaction).toBe(false);
    reader.close();
    db.close();
  });

  it('commitWhenIdle: a barrier with nothing held commits at once; while work is held, at its release', async () => {
    const { db, reader, count } = tableWithReader('gc-idle.sqlite');
    const commits = new GroupCommit(db, { intervalMs: 1000, commitWhenIdle: true }); // the tick alone would take a second
    commits.start();
    const release = commits.hold();
    db.prepare('INSERT INTO t VALUES (1)').run();
    let resolved = false;
    const barrier = commits.barrier().then(() => (resolved = true));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false); // held: no commit yet
    expect(count()).toBe(0);
    release();
    await barrier; // committed once released, long before the tick
    expect(count()).toBe(1);
    expect(commits.stats().commits).toBe(1);
    db.prepare('INSERT INTO t VALUES (2)').run(); // nothing held
    await commits.barrier();
    expect(count()).toBe(2);
    commits.stop();
    reader.close();
    db.close();
  });

  it('a barrier finding the last commit older than the interval commits at once: the tick is late while the thread is busy', async () => {
    const { db, reader, count } = tableWithReader('gc-overdue.sqlite');
    const commits = new GroupCommit(db, { intervalMs: 20 });
    commits.start();
    const release = commits.hold();
    const microtasks = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await Promise.resolve(); // no timer can run in between
    };
    db.prepare('INSERT INTO t VALUES (1)').run();
    let resolved = false;
    const barrier = commits.barrier().then(() => (resolved = true));
    await microtasks();
    expect(resolved).toBe(false); // within the interval: it waits for the tick
    const busyUntil = performance.now() + 30;
    while (performance.now() < busyUntil); // busy: the tick's timer is due but cannot run
    await microtasks();
    expect(resolved).toBe(false); // a barrier already waiting is the tick's
    db.prepare('INSERT INTO t VALUES (2)').run();
    let second = false;
    const overdue = commits.barrier().then(() => (second = true));
    await microtasks();
    expect(second).toBe(true); // committed in a microtask, before any timer
    expect(resolved).toBe(true); // the same commit settled the earlier waiter
    expect(count()).toBe(2);
    expect(commits.stats().commits).toBe(1);
    expect(db.inTransaction).toBe(true); // held: the next transaction is open
    db.prepare('INSERT INTO t VALUES (3)').run();
    let third = false;
    const last = commits.barrier().then(() => (third = true));
    await microtasks();
    expect(third).toBe(false); // just committed: back to waiting for the tick
    await Promise.all([barrier, overdue, last]);
    expect(count()).toBe(3);
    release();
    commits.stop();
    reader.close();
    db.close();
  });

  it('rejects the barrier when the commit fails', async () => {
    const db = openSqliteDatabase(join(dir, 'gc-fail.sqlite'));
    db.exec(
      'CREATE TABLE t (v INTEGER); CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)',
    );
    db.pragma('foreign_keys = ON');
    const errors: unknown[] = [];
    const commits = new GroupCommit(db, { intervalMs: 10, onError: (e) => errors.push(e) });
    commits.start();
    db.prepare('INSERT INTO c VALUES (42)').run(); // a deferred foreign key violation: COMMIT fails
    await expect(commits.barrier()).rejects.toThrow(/Committing the group transaction failed/);
    expect(errors).toHaveLength(1);
    commits.stop();
    db.close();
  });
});

describe('LocalEventBridge afterCommit', () => {
  it('holds PutEvents until the hook resolves, and fails the call when it rejects', async () => {
    const db = openSqliteDatabase(join(dir, 'bus.sqlite'));
    let release!: () => void;
    let fail = false;
    const seen: number[] = [];
    const eb = LocalEventBridge.open({
      database: db,
      afterCommit: (n) => {
        seen.push(n);
        if (fail) return Promise.reject(new Error('commit failed'));
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const queue = QueueStore.onDatabase(db).queue('q');
    eb.putRule({ Name: 'all', EventPattern: { source: [{ prefix: '' }] } });
    eb.putTargets({ Rule: 'all', Targets: [{ Id: 'q', target: durableQueueTarget(queue) }] });
    let done = false;
    const call = eb
      .putEvents({
        Entries: [
          { Source: 's', DetailType: 'd', Detail: '{}' },
          { Source: 's', DetailType: 'd', Detail: '{}' },
        ],
      })
      .then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([2]);
    expect(done).toBe(false);
    release();
    await call;
    fail = true;
    await expect(eb.putEvents({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })).rejects.toThrow(
      'commit failed',
    );
    await eb.close();
    db.close();
  });
});

describe('DurableQueue additions', () => {
  it('releaseInFlight, peek, deleteById and redrive by message id', async () => {
    const store = QueueStore.open(join(dir, 'queue.sqlite'));
    const dlq = store.queue('dlq');
    const queue = store.queue('q', {
      visibilityTimeoutMs: 60_000,
      redrivePolicy: { deadLetterQueue: 'dlq', maxReceiveCount: 1 },
    });
    queue.sendBatch([{ body: 'a' }, { body: 'b' }, { body: 'c', delayMs: 60_000 }]);
    const got = await queue.receive({ max: 10 });
    expect(got.map((m) => m.body)).toEqual(['a', 'b']);
    expect(queue.stats()).toMatchObject({ visible: 0, inFlight: 2, delayed: 1 });
    expect(queue.peek().map((m) => [m.body, m.visible])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
    ]);
    expect(queue.releaseInFlight()).toBe(2); // the delayed one stays delayed
    expect(queue.stats()).toMatchObject({ visible: 2, inFlight: 0, delayed: 1 });
    // Received once already (maxReceiveCount 1): the next receive moves both to the DLQ.
    expect(await queue.receive({ max: 10 })).toEqual([]);
    const dead = dlq.peek();
    expect(dead.map((m) => m.body)).toEqual(['a', 'b']);
    expect(dead[0]!.attributes.DeadLetterReason).toMatch(/maxReceiveCount 1/);
    expect(dlq.peek({ messageIds: [dead[1]!.messageId] }).map((m) => m.body)).toEqual(['b']);
    expect(await dlq.redrive({ messageIds: [dead[0]!.messageId] })).toEqual({ moved: 1 });
    expect(
      queue
        .peek()
        .map((m) => m.body)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(dlq.deleteById(dead[1]!.messageId)).toBe(true);
    expect(dlq.deleteById(dead[1]!.messageId)).toBe(false);
    expect(dlq.stats().total).toBe(0);
    store.close();
  });
});
