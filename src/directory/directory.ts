/**
 * The Genesys directory: id → name (and a few attributes) for queues, users, wrap-up codes,
 * divisions, flows and presence definitions, from a {@link DirectorySource} (the Platform API, or
 * the simulator's catalogue), kept in a {@link DirectoryStore} (SQLite, DynamoDB), read from
 * memory.
 *
 * - **Refresh**: a complete listing of each kind, compared with the store: only differences are
 *   written (`diffListing`); an object that disappeared keeps its last name, marked removed. A
 *   kind whose listing fails keeps everything it had — an outage never loses a name.
 * - **Schedule**: {@link Directory.start} refreshes every `refreshIntervalMs`, sooner after a failure.
 * - **Misses**: an unknown id is looked up in the source in the background, coalesced and
 *   rate-limited (`MissResolver`), with negative answers cached briefly.
 * - **Durable**: the store is read at start, so a restart shows the last known names at once.
 *
 * Two ways to hold the store in memory: `preload` (the local runtime: everything at start, a
 * few MB for a large org) or on demand with a TTL (a Lambda function reading a DynamoDB table).
 */
import { DIRECTORY_KINDS } from './entry.js';
import type { DirectoryEntry, DirectoryKind } from './entry.js';
import { diffListing } from './diff.js';
import { MissResolver } from './miss-resolver.js';
import type { MissResolverOptions, MissResolverStats } from './miss-resolver.js';
import type { DirectoryLookup, DirectorySource, DirectoryStore, DirectorySyncState } from './ports.js';
import { errorMessage } from '../shared/index.js';
import { DirectoryOptionsError } from './errors.js';

/** Options of {@link Directory.open}. */
export interface DirectoryOptions {
  store: DirectoryStore;
  /** Where names come from; without one the directory only reads the store. */
  source?: DirectorySource;
  /** Kinds refreshed (default: all). */
  kinds?: readonly DirectoryKind[];
  /** Read the whole store into memory at start (default true). */
  preload?: boolean;
  /** Without `preload`: how long an entry read from the store is trusted (default 300,000 ms). */
  cacheTtlMs?: number;
  /** Scheduled refreshes: every this many ms (default 900,000 = 15 min). */
  refreshIntervalMs?: number;
  /** After a failed refresh, try again after this many ms (default 60,000, at most the interval). */
  retryAfterFailureMs?: number;
  /** Bounds of on-miss lookups, or `false` for none (default: the `MissResolver` defaults). */
  misses?: MissResolverOptions | false;
  /** Clock (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** Log lines (refresh failures, schedule). Never given a secret. */
  log?: (line: string) => void;
}

/** What one refresh of one kind did. */
export interface KindRefreshReport {
  kind: DirectoryKind;
  ok: boolean;
  /** Objects in the complete listing. */
  listed: number;
  added: number;
  renamed: number;
  changed: number;
  removed: number;
  /** Why it failed (the kind kept its entries). */
  error?: string;
}

/** What a refresh did, kind by kind. */
export interface RefreshReport {
  ok: boolean;
  kinds: KindRefreshReport[];
}

/** One kind in {@link DirectoryStatus}. */
export interface KindStatus extends DirectorySyncState {
  /** Entries in memory (all of the store's with `preload`). */
  entries: number;
  /** Of which marked removed. */
  removed: number;
}

/** The directory's state, for `/api/directory` and `directory show`. */
export interface DirectoryStatus {
  /** The source's name, or `null` when the directory only reads its store. */
  source: string | null;
  refreshIntervalMs: number;
  kinds: KindStatus[];
  misses: MissResolverStats | null;
}

/** Progress of a refresh (for a CLI progress line). */
export interface RefreshProgress {
  kind: DirectoryKind;
  /** Objects listed so far for this kind. */
  listed: number;
  done: boolean;
}

interface Cached {
  entry: DirectoryEntry | undefined;
  at: number;
}

/**
 * @example
 * const directory = await Directory.open({ store: new SqliteDirectoryStore(db), source });
 * directory.start();                                   // scheduled refreshes
 * directory.peek('queue', queueId)?.name;              // from memory; an unknown id is looked up in the background
 * await directory.lookup('user', userId);              // waits for the lookup of an unknown id (bounded)
 */
export class Directory implements DirectoryLookup {
  readonly #store: DirectoryStore;
  readonly #source: DirectorySource | undefined;
  readonly #kinds: readonly DirectoryKind[];
  readonly #preload: boolean;
  readonly #cacheTtlMs: number;
  readonly #intervalMs: number;
  readonly #retryMs: number;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #misses: MissResolver | undefined;
  readonly #memory = new Map<DirectoryKind, Map<string, Cached>>();
  readonly #sync = new Map<DirectoryKind, DirectorySyncState>();
  readonly #reads = new Map<string, Promise<DirectoryEntry | undefined>>();
  readonly #readBatches = new Map<
    DirectoryKind,
    Map<string, { resolve: (entry: DirectoryEntry | undefined) => void; reject: (error: unknown) => void }>
  >();
  #refreshing: Promise<RefreshReport> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #started = false;

  private constructor(options: DirectoryOptions) {
    this.#store = options.store;
    this.#source = options.source;
    this.#kinds = options.kinds ?? DIRECTORY_KINDS;
    this.#preload = options.preload ?? true;
    this.#cacheTtlMs = options.cacheTtlMs ?? 300_000;
    this.#intervalMs = options.refreshIntervalMs ?? 900_000;
    if (!(this.#intervalMs >= 1000))
      throw new DirectoryOptionsError(
        `Directory: refreshIntervalMs must be at least 1000, got ${String(this.#intervalMs)}.`,
      );
    this.#retryMs = Math.min(this.#intervalMs, options.retryAfterFailureMs ?? 60_000);
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => {});
    for (const kind of DIRECTORY_KINDS) this.#memory.set(kind, new Map());
    this.#misses =
      this.#source && options.misses !== false
        ? new MissResolver(this.#source, (entries) => this.#remember(entries), {
            ...(options.misses || {}),
            now: this.#now,
          })
        : undefined;
  }

  /** Opens a directory over `store` (reading it into memory with `preload`). */
  static async open(options: DirectoryOptions): Promise<Directory> {
    const directory = new Directory(options);
    await directory.reload();
    return directory;
  }

  /** The source's name, or `undefined`. */
  get sourceName(): string | undefined {
    return this.#source?.name;
  }

  /** Reads the store again (with `preload`: everything; always: the sync states). */
  async reload(): Promise<void> {
    for (const state of await this.#store.syncStates()) this.#sync.set(state.kind, state);
    if (!this.#preload) return;
    const at = this.#now();
    const entries = await this.#store.all();
    for (const kind of DIRECTORY_KINDS) this.#memory.get(kind)!.clear();
    for (const entry of entries) this.#memory.get(entry.kind)?.set(entry.id, { entry, at });
  }

  /**
   * The entry of `id` from memory, without waiting. When it is not there, it is looked up in the
   * background (store, then the source, bounded), so it shows at the next read.
   */
  peek(kind: DirectoryKind, id: string): DirectoryEntry | undefined {
    const cached = this.#memory.get(kind)?.get(id);
    if (cached && this.#fresh(cached)) return cached.entry;
    void this.lookup(kind, id).catch(() => undefined);
    return cached?.entry;
  }

  /** The name of `id`, from memory (see {@link peek}). */
  nameOf(kind: DirectoryKind, id: string): string | undefined {
    return this.peek(kind, id)?.name;
  }

  async lookup(kind: DirectoryKind, id: string): Promise<DirectoryEntry | undefined> {
    const memory = this.#memory.get(kind);
    if (!memory) return undefined;
    const cached = memory.get(id);
    if (this.#preload) {
      if (cached?.entry) return cached.entry;
    } else {
      // On demand: what the store said (found or not) holds for `cacheTtlMs`.
      if (cached && this.#fresh(cached)) return cached.entry;
      const stored = await this.#readStore(kind, id);
      if (stored) return stored;
    }
    return this.#misses?.request(kind, id);
  }

  /** Every entry in memory (of `kind` when given), by name. */
  entries(kind?: DirectoryKind): DirectoryEntry[] {
    const out: DirectoryEntry[] = [];
    for (const k of kind ? [kind] : DIRECTORY_KINDS)
      for (const cached of this.#memory.get(k)!.values()) if (cached.entry) out.push(cached.entry);
    return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  status(): DirectoryStatus {
    return {
      source: this.#source?.name ?? null,
      refreshIntervalMs: this.#intervalMs,
      kinds: DIRECTORY_KINDS.map((kind) => {
        let entries = 0;
        let removed = 0;
        for (const cached of this.#memory.get(kind)!.values()) {
          if (!cached.entry) continue;
          entries++;
          if (cached.entry.removedAt !== undefined) removed++;
        }
        return { ...(this.#sync.get(kind) ?? { kind }), entries, removed };
      }),
      misses: this.#misses?.stats() ?? null,
    };
  }

  /**
   * Lists every kind (or `kinds`) in the source and writes what changed. One refresh at a time:
   * a call while one runs gets that one's report. Never throws for a failing kind: its report
   * says why, and its entries stay as they were.
   *
   * @throws {Error} when the directory has no source.
   */
  refresh(
    kinds: readonly DirectoryKind[] = this.#kinds,
    onProgress?: (progress: RefreshProgress) => void,
  ): Promise<RefreshReport> {
    const source = this.#source;
    if (!source)
      return Promise.reject(new Error('This directory has no source to refresh from (no Genesys connection).'));
    this.#refreshing ??= (async () => {
      const reports: KindRefreshReport[] = [];
      for (const kind of kinds) reports.push(await this.#refreshKind(source, kind, onProgress));
      return { ok: reports.every((r) => r.ok), kinds: reports };
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Starts scheduled refreshes: the first when the oldest kind's last success is older than the
   * interval (at once on a new store), then every interval (sooner after a failure). Without a
   * source, re-reads the store every minute instead (another process — `directory sync` — may
   * write it).
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    if (!this.#source) {
      this.#scheduleIn(Math.min(this.#intervalMs, 60_000));
      return;
    }
    const successes = this.#kinds.map((kind) => this.#sync.get(kind)?.lastSuccessAt ?? 0);
    const due = Math.min(...successes) + this.#intervalMs - this.#now();
    this.#scheduleIn(Math.max(0, due));
  }

  /** Stops the schedule and on-miss lookups (a refresh under way finishes). */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#misses?.stop();
    await this.#refreshing?.catch(() => undefined);
  }

  #scheduleIn(ms: number): void {
    if (!this.#started) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#scheduledRefresh();
    }, ms);
    this.#timer.unref?.();
  }

  async #scheduledRefresh(): Promise<void> {
    if (!this.#source) {
      await this.reload().catch((error: unknown) =>
        this.#log(`directory: reading the store failed: ${errorMessage(error)}`),
      );
      this.#scheduleIn(Math.min(this.#intervalMs, 60_000));
      return;
    }
    let ok = false;
    try {
      // Another process (`directory sync`) may have written the store since.
      await this.reload();
      const report = await this.refresh();
      ok = report.ok;
      for (const kind of report.kinds)
        if (!kind.ok)
          this.#log(
            `directory: refreshing ${kind.kind} from ${this.#source!.name} failed, keeping the last known names: ${kind.error}`,
          );
    } catch (error) {
      this.#log(`directory: refresh failed: ${errorMessage(error)}`);
    }
    this.#scheduleIn(ok ? this.#intervalMs : this.#retryMs);
  }

  async #refreshKind(
    source: DirectorySource,
    kind: DirectoryKind,
    onProgress?: (progress: RefreshProgress) => void,
  ): Promise<KindRefreshReport> {
    const attemptAt = this.#now();
    const previous = this.#sync.get(kind) ?? { kind };
    try {
      const listed = new Map<string, DirectoryEntry>();
      for await (const page of source.list(kind)) {
        for (const entry of page) if (entry.kind === kind) listed.set(entry.id, entry);
        onProgress?.({ kind, listed: listed.size, done: false });
      }
      const now = this.#now();
      const diff = diffListing(await this.#store.all(kind), listed.values(), now);
      if (diff.writes.length) await this.#store.put(diff.writes);
      if (this.#preload) {
        const memory = this.#memory.get(kind)!;
        for (const entry of diff.writes) memory.set(entry.id, { entry, at: now });
      } else {
        for (const entry of diff.writes) this.#memory.get(kind)!.delete(entry.id);
      }
      for (const entry of diff.writes) this.#misses?.forget(kind, entry.id);
      const state: DirectorySyncState = {
        kind,
        source: source.name,
        lastAttemptAt: attemptAt,
        lastSuccessAt: now,
        listed: listed.size,
      };
      this.#sync.set(kind, state);
      await this.#store.putSyncState(state);
      onProgress?.({ kind, listed: listed.size, done: true });
      const { added, renamed, changed, removed } = diff;
      return { kind, ok: true, listed: listed.size, added, renamed, changed, removed };
    } catch (error) {
      const message = errorMessage(error);
      const state: DirectorySyncState = {
        ...previous,
        kind,
        source: source.name,
        lastAttemptAt: attemptAt,
        lastError: message,
      };
      this.#sync.set(kind, state);
      await this.#store.putSyncState(state).catch(() => undefined);
      onProgress?.({ kind, listed: 0, done: true });
      return { kind, ok: false, listed: 0, added: 0, renamed: 0, changed: 0, removed: 0, error: message };
    }
  }

  /**
   * Reads `id` from the store: concurrent lookups of an id share one read, and the reads asked
   * for within a few milliseconds go out together (one `BatchGetItem` on DynamoDB). The answer,
   * found or not, is cached for `cacheTtlMs`.
   */
  #readStore(kind: DirectoryKind, id: string): Promise<DirectoryEntry | undefined> {
    const key = `${kind}\u0000${id}`;
    let read = this.#reads.get(key);
    if (!read) {
      read = new Promise<DirectoryEntry | undefined>((resolve, reject) => {
        let batch = this.#readBatches.get(kind);
        if (!batch) {
          const ids = new Map<string, { resolve: typeof resolve; reject: typeof reject }>();
          batch = ids;
          this.#readBatches.set(kind, ids);
          setTimeout(() => {
            this.#readBatches.delete(kind);
            this.#store.get(kind, [...ids.keys()]).then(
              (entries) => {
                const at = this.#now();
                const found = new Map(entries.map((e) => [e.id, e]));
                for (const [waiting, callbacks] of ids) {
                  this.#memory.get(kind)!.set(waiting, { entry: found.get(waiting), at });
                  callbacks.resolve(found.get(waiting));
                }
              },
              (error: unknown) => {
                for (const callbacks of ids.values()) callbacks.reject(error);
              },
            );
          }, 5);
        }
        batch.set(id, { resolve, reject });
      }).finally(() => this.#reads.delete(key));
      this.#reads.set(key, read);
    }
    return read;
  }

  /** Entries found by an on-miss lookup: stored, then remembered. */
  async #remember(entries: DirectoryEntry[]): Promise<void> {
    const now = this.#now();
    const fresh = entries.map((e) => ({ ...e, updatedAt: now }));
    await this.#store.put(fresh);
    for (const entry of fresh) this.#memory.get(entry.kind)?.set(entry.id, { entry, at: now });
  }

  #fresh(cached: Cached): boolean {
    return this.#preload || this.#now() - cached.at < this.#cacheTtlMs;
  }
}
