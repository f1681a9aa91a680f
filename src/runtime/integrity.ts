/**
 * The start-up check of the data directory's SQLite files (`PRAGMA quick_check`, `quickCheck` in
 * src/sqlite/integrity.ts): a damaged file stops start-up with one error that names it, says what
 * SQLite found, and what to do — restore it, or move it aside and lose what it held — instead of
 * a runtime that answers 500 on every request that meets the bad page.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DIRECTORY_DATABASE_FILE } from '../directory/stores/sqlite.js';
import { quickCheck } from '../sqlite/index.js';
import { CorruptDatabaseError } from './errors.js';
import { FAN_OUT_DATABASE_FILE } from './fan-out.js';
import { PIPELINE_RESOURCES } from './pipeline.js';

/** Each checked file and what moving it aside loses. */
const FILES: ReadonlyArray<{ file: string; loses: string }> = [
  {
    file: PIPELINE_RESOURCES.database,
    loses:
      'the events accepted and not yet processed (the event queue, pending bus deliveries), the archive (no replay of what it held), and the queue and target DLQs. Processed events are not lost: their effects are in processing.sqlite',
  },
  {
    file: PIPELINE_RESOURCES.processingDatabase,
    loses:
      'the projections (conversations, agents, audits, transcripts), the dead letters and the idempotency records: events delivered again are processed as new. Rebuild the projections with "genesys-pipeline replay" over the archive (kept for --archive-retention-days)',
  },
  {
    file: DIRECTORY_DATABASE_FILE,
    loses: 'only the Genesys directory’s names; the next refresh or "genesys-pipeline directory sync" fills it again',
  },
  {
    file: FAN_OUT_DATABASE_FILE,
    loses:
      'the fan-out bus’s deliveries not yet made to its rules’ targets (events processed and published, not yet written to their file or URL), and its record of what it dropped',
  },
];

/**
 * Runs `PRAGMA quick_check` on each SQLite file of the data directory that exists (the caller
 * holds the data directory's lock).
 *
 * @throws CorruptDatabaseError for the first damaged file.
 * @example
 * checkDataDirIntegrity('.pipeline'); // throws if pipeline.sqlite is damaged
 */
export function checkDataDirIntegrity(dataDir: string): void {
  for (const { file, loses } of FILES) {
    const path = join(dataDir, file);
    if (!existsSync(path) || statSync(path).size === 0) continue;
    const problems = quickCheck(path);
    if (problems.length === 0) continue;
    throw new CorruptDatabaseError(
      path,
      problems,
      `${path} is damaged: SQLite's integrity check (PRAGMA quick_check) found ${problems.map((p) => `"${p}"`).join(', ')}. ` +
        `The runtime does not start on a damaged file. Stop, then either restore ${file} from a backup (with its -wal and -shm files, or without both), ` +
        `or move ${file}, ${file}-wal and ${file}-shm aside (e.g. into a "damaged" folder) and start again with a new, empty ${file}; that loses ${loses}.`,
    );
  }
}
