/**
 * How many bytes the data directory can still grow by: the free space of its file system
 * available to this user (`statfs`'s `bavail × bsize`) plus the free pages inside its SQLite
 * files, which SQLite reuses before it grows a file (a drained queue's pages, for instance). Fed
 * to {@link Admission} (`admission.ts`) on the runtime's sampling timer.
 */
import { statfsSync } from 'node:fs';
import type { SqliteDatabase } from '../sqlite/index.js';

/**
 * @param databases connections to the data directory's files (a read-only one will do).
 * @returns `undefined` when the file system cannot be asked (then no disk check is made).
 * @example
 * freeDiskBytes('.pipeline', [pipeline.database, pipeline.processingReader]);
 */
export function freeDiskBytes(dataDir: string, databases: readonly SqliteDatabase[]): number | undefined {
  let free: number;
  try {
    const fs = statfsSync(dataDir);
    free = fs.bavail * fs.bsize;
  } catch {
    return undefined;
  }
  for (const db of databases) {
    try {
      const pages = db.pragma('freelist_count', { simple: true }) as number;
      const size = db.pragma('page_size', { simple: true }) as number;
      free += pages * size;
    } catch {
      // a closed or busy connection: its free pages are simply not counted
    }
  }
  return free;
}
