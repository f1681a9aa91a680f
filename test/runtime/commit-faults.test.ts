/**
 * Commit failures, on real SQLite files: a real `SQLITE_FULL` (`PRAGMA max_page_count`) and a
 * COMMIT that fails (a deferred foreign key). Whatever fails, no barrier of work whose writes were
 * rolled back resolves, and nothing written after the failure becomes durable (fail-stop: see
 * `GroupCommit`).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DeliveryLog } from '../../src/eventbridge/bus-deliveries.js';
import { QueueStore } from '../../src/queue/index.js';
import { GroupCommit } from '../../src/runtime/group-commit.js';
import { CommitFailedError } from '../../src/runtime/errors.js';
import { openSqliteDatabase } from '../../src/sqlite/index.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-commit-faults-');

function setUp(file: string) {
  const path = join(dir, file);
  const db = openSqliteDatabase(path);
  db.exec('CREATE TABLE t (v TEXT)');
  const reader = new Database(path, { readonly: true });
  const committed = (): string[] => reader.prepare('SELECT v FROM t ORDER BY rowid').pluck().all() as string[];
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  return { db, reader, committed, insert };
}

describe('GroupCommit under faults', () => {
  it('SQLITE_FULL rolls the group transaction back: the holder that wrote before fails, and no later write is committed on its own', async () => {
    const { db, reader, committed, insert } = setUp('full.sqlite');
    const errors: unknown[] = [];
    const commits = new GroupCommit(db, { intervalMs: 1000, onError: (e) => errors.push(e) });
    commits.start();
    insert.run('before');
    await new Promise<void>((resolve) => {
      commits.flush();
      resolve();
    });
    expect(committed()).toEqual(['before']);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`); // the file may not grow
    const release = commits.hold();
    insert.run('execution A: its first write'); // fits in the existing pages
    // Another writer fills the disk: SQLite rolls the whole group transaction back.
    const big = 'x'.repeat(3000);
    expect(() => {
      for (let i = 0; i < 1000; i++) db.transaction(() => insert.run(big))();
    }).toThrow(/full/i);
    expect(errors).toHaveLength(1); // noticed at the statement that failed
    expect(db.inTransaction).toBe(false);
    // Execution A goes on: its next write would be committed on its own (its first one is gone): refused.
    expect(() => insert.run('execution A: its second write')).toThrow(CommitFailedError);
    expect(() => db.transaction(() => insert.run('in a transaction of its own'))()).toThrow(CommitFailedError);
    release();
    await expect(commits.barrier()).rejects.toBeInstanceOf(CommitFailedError);
    commits.flush();
    commits.stop();
    expect(committed()).toEqual(['before']); // nothing after the failure is durable
    expect(errors).toHaveLength(1);
    expect(commits.stats()).toMatchObject({ failed: true });
    expect(() => insert.run('after stop')).toThrow(CommitFailedError); // still refused
    expect(committed()).toEqual(['before']);
    reader.close();
    db.close();
  });

  it('a failed COMMIT fails the barrier of work that wrote before it and asks for it after (never the next commit)', async () => {
    const path = join(dir, 'commit.sqlite');
    const db = openSqliteDatabase(path);
    db.exec(
      'CREATE TABLE t (v TEXT); CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)',
    );
    db.pragma('foreign_keys = ON');
    const reader = new Database(path, { readonly: true });
    const errors: unknown[] = [];
    const commits = new GroupCommit(db, { intervalMs: 5, onError: (e) => errors.push(e) });
    commits.start();
    const release = commits.hold();
    db.prepare('INSERT INTO t VALUES (?)').run('written before the failed commit');
    db.prepare('INSERT INTO c VALUES (42)').run(); // COMMIT fails: a deferred foreign key violation
    await new Promise((r) => setTimeout(r, 30)); // ticks: the commit fails; the holder keeps going
    expect(() => db.prepare('INSERT INTO t VALUES (?)').run('written after')).toThrow(CommitFailedError);
    release();
    await expect(commits.barrier()).rejects.toThrow(/Committing the group transaction failed/);
    await new Promise((r) => setTimeout(r, 20));
    commits.stop();
    expect(reader.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    expect(errors).toHaveLength(1);
    reader.close();
    db.close();
  });

  it('a write in autocommit mode between transactions is unaffected', async () => {
    const { db, reader, committed, insert } = setUp('idle.sqlite');
    const commits = new GroupCommit(db, { intervalMs: 5 });
    commits.start();
    await new Promise((r) => setTimeout(r, 30)); // idle: autocommit
    expect(db.inTransaction).toBe(false);
    db.transaction(() => insert.run('own transaction'))();
    insert.run('autocommit');
    await commits.barrier();
    commits.stop();
    expect(committed()).toEqual(['own transaction', 'autocommit']);
    reader.close();
    db.close();
  });
});

describe('row ids after a rollback', () => {
  it('a queue message sent after a rollback gets a new seq: the lease of the rolled-back one cannot delete it', async () => {
    const db = openSqliteDatabase(join(dir, 'seq.sqlite'));
    const queue = QueueStore.onDatabase(db, { leasesInMemory: true }).queue('q');
    queue.send({ body: 'kept' });
    db.exec('BEGIN IMMEDIATE');
    queue.send({ body: 'rolled back' });
    const received = await queue.receive({ max: 10 });
    expect(received.map((m) => m.body)).toEqual(['kept', 'rolled back']);
    db.exec('ROLLBACK');
    queue.send({ body: 'acknowledged after the rollback' });
    // The stale lease's delete (the execution of the rolled-back message finishing) must not touch it.
    const { deleted } = queue.deleteMessages([received[1]!.receiptHandle]);
    expect(deleted).toBe(0);
    expect(queue.peek({ limit: 10 }).map((m) => m.body)).toEqual(['kept', 'acknowledged after the rollback']);
    db.close();
  });
});

describe('bus delivery ids after a rollback', () => {
  it('a delivery recorded after a rollback gets a new id: the worker holding the rolled-back one cannot remove it', () => {
    const db = openSqliteDatabase(join(dir, 'deliveries.sqlite'));
    const log = new DeliveryLog(db);
    const delivery = (event: string) => ({
      busName: 'bus',
      ruleName: 'rule',
      targetId: 'target',
      event,
      body: `{"id":"${event}"}`,
      ingestedAt: 0,
      nextAttemptAt: 0,
    });
    const kept = log.addPending(delivery('kept'));
    db.exec('BEGIN IMMEDIATE');
    const rolledBack = log.addPending(delivery('rolled back'));
    db.exec('ROLLBACK');
    const acknowledged = log.addPending(delivery('acknowledged after the rollback'));
    expect(acknowledged).toBeGreaterThan(rolledBack);
    // The worker that took the rolled-back delivery finishes and removes "its" id: nothing else goes.
    log.remove(rolledBack);
    expect(log.due(1, 10).map((d) => [d.id, d.event])).toEqual([
      [kept, 'kept'],
      [acknowledged, 'acknowledged after the rollback'],
    ]);
    db.close();
  });
});
