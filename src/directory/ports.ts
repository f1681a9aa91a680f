/**
 * The directory's ports: where names come from ({@link DirectorySource}: the Genesys Platform
 * API, or the simulator's catalogue), where they are kept ({@link DirectoryStore}: SQLite
 * locally, DynamoDB on AWS), and what its users see ({@link DirectoryLookup}).
 */
import type { DirectoryEntry, DirectoryKind } from './entry.js';

/**
 * What sinks (and anything else that wants names) see of the directory.
 *
 * @example
 * async handle(event, context) {
 *   const queue = event.kind === 'conversation' && event.body.queueId
 *     ? await context.directory.lookup('queue', event.body.queueId)
 *     : undefined;
 *   await crm.post({ queue: queue?.name ?? event.body.queueId });
 * }
 */
export interface DirectoryLookup {
  /**
   * The entry of `id`, or `undefined` when the directory does not know it (yet). An unknown id
   * may be looked up in the source in the background (bounded, see `MissResolver`); it never
   * throws because a name is missing.
   */
  lookup(kind: DirectoryKind, id: string): Promise<DirectoryEntry | undefined>;
}

/** A directory that knows nothing (where none is configured). */
export const EMPTY_DIRECTORY: DirectoryLookup = Object.freeze({ lookup: () => Promise.resolve(undefined) });

/** Where names come from. */
export interface DirectorySource {
  /** Short name for logs and status (`genesys`, `simulator`). */
  readonly name: string;
  /**
   * Every object of `kind`, page by page. A listing that fails part-way throws: the caller then
   * keeps what it had (a partial listing says nothing about what was deleted).
   */
  list(kind: DirectoryKind, signal?: AbortSignal): AsyncIterable<DirectoryEntry[]>;
  /** The objects among `ids` that exist (ids not returned are unknown to the source). */
  lookup(kind: DirectoryKind, ids: readonly string[], signal?: AbortSignal): Promise<DirectoryEntry[]>;
  /** At most this many ids per {@link lookup} call (the API's batch size). */
  readonly maxLookupBatch: number;
}

/** How the last refresh of one kind went. */
export interface DirectorySyncState {
  kind: DirectoryKind;
  /** The source it came from (`genesys`, `simulator`). */
  source?: string;
  /** When a refresh last started (epoch ms). */
  lastAttemptAt?: number;
  /** When a refresh last completed a full listing (epoch ms). */
  lastSuccessAt?: number;
  /** Why the last attempt failed (absent after a success); never holds a secret. */
  lastError?: string;
  /** Objects in the last complete listing. */
  listed?: number;
}

/**
 * Where entries are kept, durably: a restart or an outage of the source still shows the last
 * known names.
 */
export interface DirectoryStore {
  /** Every entry (of `kind` when given). */
  all(kind?: DirectoryKind): Promise<DirectoryEntry[]>;
  /** The stored entries among `ids`. */
  get(kind: DirectoryKind, ids: readonly string[]): Promise<DirectoryEntry[]>;
  /** Inserts or replaces these entries. */
  put(entries: readonly DirectoryEntry[]): Promise<void>;
  /** The sync state of every kind that has one. */
  syncStates(): Promise<DirectorySyncState[]>;
  putSyncState(state: DirectorySyncState): Promise<void>;
}
