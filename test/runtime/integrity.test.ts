/**
 * Corruption at start-up: a data directory whose SQLite file is really damaged (pages of a real
 * database overwritten) makes `startRuntime` fail once, with an error that names the file, says
 * what `PRAGMA quick_check` found and what to do (restore, or move aside and what that loses) —
 * not a runtime that answers 500s. The lock is released; moving the file aside as told works.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CorruptDatabaseError, startRuntime } from '../../src/runtime/index.js';
import { quickCheck } from '../../src/sqlite/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { tempDir } from '../support/tmp.js';
import { entryOf } from './support.js';

const dir = tempDir('gep-runtime-integrity-');
const lines = [...generateEvents({ conversations: 10, seed: 3 })];

/** A data directory with processed events in it, stopped cleanly, its WAL checkpointed. */
async function populated(name: string): Promise<string> {
  const dataDir = join(dir, name);
  const runtime = await startRuntime({ dataDir, port: 0, batchWindowMs: 0 });
  for (let i = 0; i < lines.length; i += 10)
    await runtime.pipeline.eventBridge.putEvents({
      Entries: lines.slice(i, i + 10).map((l) => ({ ...entryOf(l), Time: undefined })) as never,
    });
  const deadline = Date.now() + 10_000;
  while (runtime.pipeline.eventQueue.stats().total > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  await runtime.stop();
  for (const file of ['pipeline.sqlite', 'processing.sqlite']) {
    // Everything into the file itself, so that the damage is not hidden by newer pages in the WAL.
    const db = new Database(join(dataDir, file));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(quickCheck(join(dataDir, file))).toEqual([]);
  }
  return dataDir;
}

/** Overwrites every page of the file from `fromPage` (1-based) with garbage. */
function damage(path: string, fromPage: number): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    const header = Buffer.alloc(100);
    readSync(fd, header, 0, 100, 0);
    const raw = header.readUInt16BE(16); // the page size, at offset 16 of the header (1 = 65536)
    const pageSize = raw === 1 ? 65536 : raw;
    for (let offset = (fromPage - 1) * pageSize; offset < size; offset += pageSize)
      writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, offset);
  } finally {
    closeSync(fd);
  }
}

describe('corruption at start-up (PRAGMA quick_check)', () => {
  it('a damaged pipeline.sqlite stops start-up with one clear error; moved aside, the runtime starts', async () => {
    const dataDir = await populated('pipeline');
    damage(join(dataDir, 'pipeline.sqlite'), 2);
    const error = await startRuntime({ dataDir, port: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CorruptDatabaseError);
    const e = error as CorruptDatabaseError;
    expect(e.path).toBe(join(dataDir, 'pipeline.sqlite'));
    expect(e.problems.length).toBeGreaterThan(0);
    expect(e.message).toMatch(/pipeline\.sqlite is damaged: SQLite's integrity check \(PRAGMA quick_check\) found/);
    expect(e.message).toMatch(/restore pipeline\.sqlite from a backup/);
    expect(e.message).toMatch(/move pipeline\.sqlite, pipeline\.sqlite-wal and pipeline\.sqlite-shm aside/);
    expect(e.message).toMatch(/loses the events accepted and not yet processed/);
    // The lock was released: the same error again, not "in use".
    await expect(startRuntime({ dataDir, port: 0 })).rejects.toThrow(CorruptDatabaseError);

    // As the error says: move it aside; the processed events' effects are still there.
    mkdirSync(join(dataDir, 'damaged'));
    for (const f of ['pipeline.sqlite', 'pipeline.sqlite-wal', 'pipeline.sqlite-shm'])
      if (existsSync(join(dataDir, f))) renameSync(join(dataDir, f), join(dataDir, 'damaged', f));
    const runtime = await startRuntime({ dataDir, port: 0 });
    try {
      const body = (await (await fetch(`${runtime.url}/api/conversations?limit=1000`)).json()) as {
        conversations: unknown[];
      };
      expect(body.conversations.length).toBe(10);
    } finally {
      await runtime.stop();
    }
  });

  it('a damaged processing.sqlite, or a file whose header is gone, is named with what moving it aside loses', async () => {
    const dataDir = await populated('processing');
    damage(join(dataDir, 'processing.sqlite'), 2);
    await expect(startRuntime({ dataDir, port: 0 })).rejects.toThrow(
      /processing\.sqlite is damaged: .*loses the projections .* "genesys-pipeline replay"/s,
    );
    damage(join(dataDir, 'processing.sqlite'), 1);
    await expect(startRuntime({ dataDir, port: 0 })).rejects.toThrow(/processing\.sqlite is damaged: .*SQLITE_NOTADB/s);
  });
});
