/**
 * The runtime's data directory on disk: made private to its owner (the events hold phone numbers
 * and names), and the record of how the pipeline was configured (`pipeline.json`, no secrets),
 * which the admin commands read to find a running pipeline.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIRECTORY_DATABASE_FILE } from '../directory/stores/sqlite.js';
import type { ResolvedRuntimeOptions } from './options.js';
import { PIPELINE_RESOURCES } from './pipeline.js';

/** The file in the data directory recording how the pipeline was configured (no secrets). */
export const CONFIG_FILE = 'pipeline.json';

/**
 * The data directory holds the events (phone numbers, names): only its owner may read it. A
 * directory this call creates is 0700; each SQLite file is created 0600 before SQLite opens it
 * (SQLite gives its `-wal` and `-shm` files the database file's mode), and an existing one made
 * 0600. (A directory that existed keeps its mode: it is the user's.)
 */
export function createPrivateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Not processing.sqlite: its absence tells an earlier version's data dir to be split (layout.ts);
  // it is made private once open (makeFilesPrivate).
  for (const file of [PIPELINE_RESOURCES.database, DIRECTORY_DATABASE_FILE, 'runtime.lock.sqlite']) {
    const path = join(dataDir, file);
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
}

/** Makes the SQLite files of the data directory (and their `-wal`, `-shm`) 0600. */
export function makeFilesPrivate(dataDir: string): void {
  for (const file of readdirSync(dataDir))
    if (/\.sqlite(-wal|-shm)?$/.test(file)) {
      try {
        chmodSync(join(dataDir, file), 0o600);
      } catch {
        // removed meanwhile
      }
    }
}

/** Writes {@link CONFIG_FILE}: the resolved options without the token (only whether one is required). */
export function writeConfig(options: ResolvedRuntimeOptions): void {
  const { token: _token, ...config } = options;
  writeFileSync(
    join(options.dataDir, CONFIG_FILE),
    `${JSON.stringify({ ...config, tokenRequired: options.token !== undefined }, null, 2)}\n`,
    { mode: 0o600 },
  );
}
