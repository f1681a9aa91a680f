/**
 * A poison message: processing it kills the process (SIGKILL from inside, as an out-of-memory
 * kill or a native crash would). Receives are leased in memory, so without a durable count the
 * message would come back after every restart, forever. The runtime counts, at each start, the
 * receives the dead process had in flight (`DurableQueue.recoverInterruptedReceives`): after
 * maxReceiveCount crashes the message is in the queue's DLQ with that reason, and every other
 * event is processed — except those in flight beside it at each crash (here E = 2 pollers: the
 * message after it), which are counted too, as AWS counts the receive of every message of a batch
 * whose Lambda crashed; they are in the DLQ with the same reason, for `dlq redrive`.
 *
 * Plus the mechanism alone on a real file, without processes: leases that end with the
 * connection (no write-back) are counted at the next open.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { QueueStore } from '../../src/queue/index.js';
import { openSqliteDatabase } from '../../src/sqlite/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { projectRoot } from '../support/paths.js';
import { tempDir } from '../support/tmp.js';
import { freePort, readDatabase, reference, sendAll, waitForStats } from './support.js';

const dir = tempDir('gep-runtime-poison-');

describe('leases in memory: receives cut short by the process ending', () => {
  it('are counted at the next start; at maxReceiveCount the message moves to the DLQ with the reason', async () => {
    const path = join(dir, 'leases.sqlite');
    const open = () => {
      const db = openSqliteDatabase(path);
      const store = QueueStore.onDatabase(db, { leasesInMemory: true });
      store.queue('dlq');
      const queue = store.queue('q', { redrivePolicy: { deadLetterQueue: 'dlq', maxReceiveCount: 3 } });
      return { db, store, queue };
    };
    let s = open();
    s.queue.send({ body: 'poison' });
    for (let crash = 1; crash <= 3; crash++) {
      const [m] = await s.queue.receive({ max: 1 });
      expect(m?.body).toBe('poison');
      expect(m?.attributes.ApproximateReceiveCount).toBe(String(crash));
      s.db.close(); // the process dies: its leases are never written back
      s = open();
      const recovered = s.queue.recoverInterruptedReceives();
      expect(recovered).toEqual({ counted: 1, deadLettered: crash === 3 ? 1 : 0 });
      s.queue.releaseInFlight();
    }
    expect(await s.queue.receive({ max: 1 })).toEqual([]);
    const [dead] = s.store.queue('dlq').peek();
    expect(dead?.body).toBe('poison');
    expect(dead?.attributes.DeadLetterReason).toMatch(/received 3 times without being deleted.*process stopping/);
    // A clean close writes the leases back: nothing is counted at the next open.
    s.queue.send({ body: 'fine' });
    await s.queue.receive({ max: 1 });
    s.store.close();
    s.db.close();
    s = open();
    expect(s.queue.recoverInterruptedReceives()).toEqual({ counted: 0, deadLettered: 0 });
    s.db.close();
  });
});

interface Started {
  url: string;
  recovered: { interruptedReceives: number; deadLetteredAfterCrashes: number };
  exited: Promise<number | null>;
  kill: () => void;
}

function startPoisoned(dataDir: string, port: number, poison: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/runtime/fixtures/poison-runtime.ts', dataDir, String(port), '2', poison],
    { cwd: projectRoot },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s: ${out} ${err}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+) (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          recovered: JSON.parse(m[2]!) as Started['recovered'],
          exited,
          kill: () => child.kill('SIGKILL'),
        });
      }
    });
    void exited.then((code) => {
      if (!/READY/.test(out)) {
        clearTimeout(timer);
        reject(new Error(`exited ${code} before it was ready: ${err}`));
      }
    });
  });
}

describe('a poison message in the running pipeline', () => {
  it('crashes the process maxReceiveCount times, then is dead-lettered with that reason; every other event is processed', async () => {
    const dataDir = join(dir, 'runtime');
    const port = await freePort();
    const lines = [...generateEvents({ conversations: 6, seed: 3 })];
    const poisonLine = lines[Math.floor(lines.length / 2)]!;
    const poison = JSON.stringify((JSON.parse(poisonLine) as { detail: unknown }).detail);
    let runtime = await startPoisoned(dataDir, port, poison);
    const crashes: number[] = [];
    try {
      const sending = sendAll(lines, () => runtime.url, { concurrency: 2, deadlineMs: 60_000 });
      // Each crash: start again, until a start moves the poison to the DLQ (2 = maxReceiveCount).
      for (let start = 0; start < 6; start++) {
        const crashed = await Promise.race([
          runtime.exited.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 8000)),
        ]);
        if (!crashed) break;
        crashes.push(start);
        runtime = await startPoisoned(dataDir, port, poison);
        if (runtime.recovered.deadLetteredAfterCrashes > 0) break;
      }
      expect(runtime.recovered.deadLetteredAfterCrashes).toBeGreaterThanOrEqual(1);
      expect(crashes.length).toBeGreaterThanOrEqual(2);
      const sent = await sending;
      await waitForStats<{ backlog: number; inFlight: number }>(
        runtime.url,
        (s) => s.backlog === 0 && s.inFlight === 0,
        20_000,
      );
      runtime.kill();
      await runtime.exited;
      const pipeline = new Database(join(dataDir, 'pipeline.sqlite'), { readonly: true });
      const table = `durable_queue_${pipeline.prepare("SELECT id FROM durable_queues WHERE name = 'genesys-events-dlq'").pluck().get() as number}`;
      const dead = pipeline.prepare(`SELECT body, dead_letter_reason FROM ${table}`).all() as Array<{
        body: string;
        dead_letter_reason: string;
      }>;
      pipeline.close();
      const detailOf = (json: string): string => JSON.stringify((JSON.parse(json) as { detail: unknown }).detail);
      const deadDetails = new Set(dead.map((d) => detailOf(d.body)));
      expect(deadDetails.has(poison)).toBe(true);
      expect(dead.length).toBe(runtime.recovered.deadLetteredAfterCrashes);
      for (const d of dead)
        expect(d.dead_letter_reason).toMatch(/received 2 times without being deleted.*process stopping/);
      // Every other event is processed.
      const ref = reference(sent.accepted.filter((l) => !deadDetails.has(detailOf(l))));
      const db = readDatabase(dataDir);
      for (const key of ref.recordIds) expect(db.completedKeys.has(key), key).toBe(true);
    } finally {
      runtime.kill();
    }
  }, 120_000);
});
