/**
 * The directory in SQLite: `directory.sqlite` in the local runtime's data directory, its own file
 * so that its rare writes never wait for the pipeline's group commits, and `directory show` can
 * read it while `run` is running (WAL: readers do not block the writer).
 *
 * ```sql
 * directory_entries(kind, id, name, attributes JSON, updated_at, removed_at)  -- primary key (kind, id)
 * directory_sync(kind, source, last_attempt_at, last_success_at, last_error, listed)
 * ```
 */
import { openSqliteDatabase } from '../../sqlite/index.js';
import type { SqliteDatabase } from '../../sqlite/index.js';
import { compactAttributes, isDirectoryKind } from '../entry.js';
import type { DirectoryAttributes, DirectoryEntry, DirectoryKind } from '../entry.js';
import type { DirectoryStore, DirectorySyncState } from '../ports.js';

/** The file name of the directory in a data directory. */
export const DIRECTORY_DATABASE_FILE = 'directory.sqlite';

interface EntryRow {
  kind: string;
  id: string;
  name: string;
  attributes: string;
  updated_at: number;
  removed_at: number | null;
}

interface SyncRow {
  kind: string;
  source: string | null;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  listed: number | null;
}

/**
 * {@link DirectoryStore} on a SQLite connection (creating its tables).
 *
 * @example
 * const store = SqliteDirectoryStore.open('.pipeline/directory.sqlite');
 * const directory = await Directory.open({ store, source });
 */
export class SqliteDirectoryStore implements DirectoryStore {
  readonly #db: SqliteDatabase;
  readonly #owned: boolean;
  readonly #all: (...args: unknown[]) => EntryRow[];
  readonly #allOfKind: (kind: string) => EntryRow[];
  readonly #getOne: (kind: string, id: string) => EntryRow | undefined;
  readonly #putMany: (entries: readonly DirectoryEntry[]) => void;
  readonly #syncStates: () => SyncRow[];
  readonly #putSync: (state: DirectorySyncState) => void;

  constructor(db: SqliteDatabase, options: { owned?: boolean } = {}) {
    this.#db = db;
    this.#owned = options.owned ?? false;
    db.exec(`
      CREATE TABLE IF NOT EXISTS directory_entries (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        attributes TEXT NOT NULL DEFAULT '{}',
        updated_at INTEGER NOT NULL,
        removed_at INTEGER,
        PRIMARY KEY (kind, id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS directory_sync (
        kind TEXT PRIMARY KEY,
        source TEXT,
        last_attempt_at INTEGER,
        last_success_at INTEGER,
        last_error TEXT,
        listed INTEGER
      );`);
    const all = db.prepare('SELECT * FROM directory_entries');
    const allOfKind = db.prepare('SELECT * FROM directory_entries WHERE kind = ?');
    const getOne = db.prepare('SELECT * FROM directory_entries WHERE kind = ? AND id = ?');
    const put = db.prepare(
      `INSERT INTO directory_entries (kind, id, name, attributes, updated_at, removed_at)
       VALUES (@kind, @id, @name, @attributes, @updatedAt, @removedAt)
       ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name, attributes = excluded.attributes,
         updated_at = excluded.updated_at, removed_at = excluded.removed_at`,
    );
    const syncStates = db.prepare('SELECT * FROM directory_sync');
    const putSync = db.prepare(
      `INSERT OR REPLACE INTO directory_sync (kind, source, last_attempt_at, last_success_at, last_error, listed)
       VALUES (@kind, @source, @lastAttemptAt, @lastSuccessAt, @lastError, @listed)`,
    );
    this.#all = () => all.all() as EntryRow[];
    this.#allOfKind = (kind) => allOfKind.all(kind) as EntryRow[];
    this.#getOne = (kind, id) => getOne.get(kind, id) as EntryRow | undefined;
    this.#putMany = db.transaction((entries: readonly DirectoryEntry[]) => {
      for (const e of entries) {
        put.run({
          kind: e.kind,
          id: e.id,
          name: e.name,
          attributes: JSON.stringify(compactAttributes(e.attributes)),
          updatedAt: e.updatedAt,
          removedAt: e.removedAt ?? null,
        });
      }
    });
    this.#syncStates = () => syncStates.all() as SyncRow[];
    this.#putSync = (s) =>
      putSync.run({
        kind: s.kind,
        source: s.source ?? null,
        lastAttemptAt: s.lastAttemptAt ?? null,
        lastSuccessAt: s.lastSuccessAt ?? null,
        lastError: s.lastError ?? null,
        listed: s.listed ?? null,
      });
  }

  /** Opens (creating) the SQLite file at `path`; {@link close} closes it. */
  static open(path: string): SqliteDirectoryStore {
    return new SqliteDirectoryStore(openSqliteDatabase(path, { busyTimeoutMs: 10_000 }), { owned: true });
  }

  async all(kind?: DirectoryKind): Promise<DirectoryEntry[]> {
    return (kind === undefined ? this.#all() : this.#allOfKind(kind)).flatMap(toEntry);
  }

  async get(kind: DirectoryKind, ids: readonly string[]): Promise<DirectoryEntry[]> {
    return ids.flatMap((id) => {
      const row = this.#getOne(kind, id);
      return row ? toEntry(row) : [];
    });
  }

  async put(entries: readonly DirectoryEntry[]): Promise<void> {
    if (entries.length) this.#putMany(entries);
  }

  async syncStates(): Promise<DirectorySyncState[]> {
    return this.#syncStates().flatMap((row) => {
      if (!isDirectoryKind(row.kind)) return [];
      const state: DirectorySyncState = { kind: row.kind };
      if (row.source !== null) state.source = row.source;
      if (row.last_attempt_at !== null) state.lastAttemptAt = row.last_attempt_at;
      if (row.last_success_at !== null) state.lastSuccessAt = row.last_success_at;
      if (row.last_error !== null) state.lastError = row.last_error;
      if (row.listed !== null) state.listed = row.listed;
      return [state];
    });
  }

  async putSyncState(state: DirectorySyncState): Promise<void> {
    this.#putSync(state);
  }

  /** Closes the connection when this store opened it ({@link open}). */
  close(): void {
    if (this.#owned && this.#db.open) this.#db.close();
  }
}

function toEntry(row: EntryRow): DirectoryEntry[] {
  if (!isDirectoryKind(row.kind)) return [];
  let attributes: DirectoryAttributes = {};
  try {
    attributes = JSON.parse(row.attributes) as DirectoryAttributes;
  } catch {
    // an unreadable attributes column keeps the name
  }
  const entry: DirectoryEntry = {
    kind: row.kind,
    id: row.id,
    name: row.name,
    attributes,
    updatedAt: row.updated_at,
  };
  if (row.removed_at !== null) entry.removedAt = row.removed_at;
  return [entry];
}
