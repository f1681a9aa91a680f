/**
 * The data directory's files, and the one-time move from the layout of earlier versions.
 *
 * | file | what | written by |
 * | --- | --- | --- |
 * | `pipeline.sqlite` | event bus, archive, queues and their dead-letter queues | the main thread |
 * | `processing.sqlite` | idempotency records, conversation projection, dead letters | the processing side |
 * | `pipeline.json`, `runtime.lock` | settings; the lock of the running process | the runtime |
 *
 * Earlier versions kept everything in `pipeline.sqlite`. Opening such a directory moves the
 * processing tables into `processing.sqlite` first: a copy of the database (`VACUUM INTO` a
 * temporary file) keeps only them and is renamed into place, then they are dropped from
 * `pipeline.sqlite`. A crash before the rename leaves the old layout (the next start begins
 * again); after it, the next start finds `processing.sqlite` and drops the leftovers.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createLocalHandlers } from '../processing/local.js';
import { resolveIdempotencyRecordIds } from '../processing/stores/sqlite-idempotency.js';
import type { SqliteDatabase } from '../sqlite/index.js';

/** Names of the tables the processing side creates (computed once, on an empty in-memory database). */
let processingTables: ReadonlySet<string> | undefined;

/** The tables `createLocalHandlers` creates: the processing side's part of a database. */
function processingTableNames(): ReadonlySet<string> {
  if (!processingTables) {
    const db = new Database(':memory:');
    try {
      createLocalHandlers({ db, idempotencyRecordIdsByEventTime: resolveIdempotencyRecordIds(db, true) });
      processingTables = new Set(tablesOf(db));
    } finally {
      db.close();
    }
  }
  return processingTables;
}

function tablesOf(db: SqliteDatabase): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    .pluck()
    .all() as string[];
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Moves the processing tables of an earlier version's `pipeline.sqlite` (open as `pipeline`) into
 * `processingPath`. Does nothing when `pipeline` has none. Returns whether it moved anything.
 *
 * @example
 * migrateToSeparateProcessingDatabase(db, join(dataDir, 'processing.sqlite'));
 */
export function migrateToSeparateProcessingDatabase(pipeline: SqliteDatabase, processingPath: string): boolean {
  const processing = processingTableNames();
  const found = tablesOf(pipeline).filter((name) => processing.has(name));
  if (found.length === 0) return false;
  if (!existsSync(processingPath)) {
    const temporary = `${processingPath}.migrating`;
    rmSync(temporary, { force: true });
    pipeline.prepare('VACUUM INTO ?').run(temporary);
    const copy = new Database(temporary);
    try {
      copy.transaction(() => {
        for (const name of tablesOf(copy)) if (!processing.has(name)) copy.exec(`DROP TABLE ${quote(name)}`);
      })();
    } finally {
      copy.close();
    }
    renameSync(temporary, processingPath);
  }
  pipeline.transaction(() => {
    for (const name of found) pipeline.exec(`DROP TABLE ${quote(name)}`);
  })();
  return true;
}
