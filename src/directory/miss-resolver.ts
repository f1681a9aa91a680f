/**
 * Looking up ids the directory does not know, without letting a burst of unknown ids become a
 * burst of API calls.
 *
 * - **Coalesced**: misses arriving within `coalesceMs` of each other go out together, up to the
 *   source's batch size per call (e.g. `GET /api/v2/routing/queues?id=…&id=…`); an id already
 *   waiting or in flight is not asked for twice — its callers share one answer.
 * - **Rate-limited**: calls take a token from a bucket of `burst` tokens refilled at
 *   `maxCallsPerMinute`; without a token the batch waits.
 * - **Bounded**: at most `maxPending` ids wait; a miss beyond that is answered "unknown" at once
 *   (and counted as dropped) instead of queueing work without end.
 * - **Negative answers cached briefly**: an id the source does not have (or whose lookup failed)
 *   is answered "unknown" for `negativeTtlMs` without asking again.
 * - Ids that cannot be Genesys ids (not UUIDs) are never looked up.
 */
import { isGenesysId } from './entry.js';
import type { DirectoryEntry, DirectoryKind } from './entry.js';
import type { DirectorySource } from './ports.js';
import { errorMessage } from '../shared/index.js';
import { DirectoryOptionsError } from './errors.js';

/** Tuning of {@link MissResolver}. */
export interface MissResolverOptions {
  /** How long the first miss waits for others to share its call. Default 25 ms. */
  coalesceMs?: number;
  /** Lookup calls per minute at most, over time. Default 30 (Genesys allows 3,000 per client). */
  maxCallsPerMinute?: number;
  /** Calls that may go out at once before the rate applies. Default 5. */
  burst?: number;
  /** How long a "not found" (or a failed lookup) is remembered. Default 300,000 ms (5 min). */
  negativeTtlMs?: number;
  /** Ids waiting for a lookup at most. Default 1,000. */
  maxPending?: number;
  /** Negative answers remembered at most (the oldest are forgotten first). Default 10,000. */
  maxNegative?: number;
  /** Clock (epoch ms). Default `Date.now`. */
  now?: () => number;
}

/** Counters of a {@link MissResolver}. */
export interface MissResolverStats {
  /** Lookup calls made to the source. */
  calls: number;
  /** Lookup calls that failed. */
  failedCalls: number;
  /** Ids found. */
  found: number;
  /** Ids the source did not have. */
  notFound: number;
  /** Misses answered from the negative cache. */
  cachedNegative: number;
  /** Misses not queued because `maxPending` ids were waiting. */
  dropped: number;
  /** Ids that are not Genesys ids (never looked up). */
  skipped: number;
  /** Ids waiting now. */
  pending: number;
  /** The last failure, if any. */
  lastError?: string;
}

interface Waiting {
  kind: DirectoryKind;
  id: string;
  promise: Promise<DirectoryEntry | undefined>;
  resolve: (entry: DirectoryEntry | undefined) => void;
}

const key = (kind: DirectoryKind, id: string): string => `${kind}\u0000${id}`;

/**
 * Bounded on-miss lookups. `found` is told every entry found (to store it) before the callers
 * get their answer.
 *
 * @example
 * const misses = new MissResolver(source, (entries) => store.put(entries), { maxCallsPerMinute: 30 });
 * const entry = await misses.request('queue', queueId); // undefined when unknown
 */
export class MissResolver {
  readonly #source: DirectorySource;
  readonly #found: (entries: DirectoryEntry[]) => Promise<void> | void;
  readonly #coalesceMs: number;
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #negativeTtlMs: number;
  readonly #maxPending: number;
  readonly #maxNegative: number;
  readonly #now: () => number;
  /** Waiting ids, in arrival order, by kind. */
  readonly #pending = new Map<DirectoryKind, Map<string, Waiting>>();
  readonly #inFlight = new Map<string, Waiting>();
  /** key → expiry (epoch ms), in insertion order. */
  readonly #negative = new Map<string, number>();
  #tokens: number;
  #tokensAt: number;
  #timer: NodeJS.Timeout | undefined;
  #draining = false;
  #stopped = false;
  readonly #stats: Omit<MissResolverStats, 'pending'> = {
    calls: 0,
    failedCalls: 0,
    found: 0,
    notFound: 0,
    cachedNegative: 0,
    dropped: 0,
    skipped: 0,
  };

  constructor(
    source: DirectorySource,
    found: (entries: DirectoryEntry[]) => Promise<void> | void,
    options: MissResolverOptions = {},
  ) {
    this.#source = source;
    this.#found = found;
    this.#coalesceMs = nonNegative('coalesceMs', options.coalesceMs ?? 25);
    this.#ratePerMs = positive('maxCallsPerMinute', options.maxCallsPerMinute ?? 30) / 60_000;
    this.#burst = Math.max(1, Math.floor(positive('burst', options.burst ?? 5)));
    this.#negativeTtlMs = nonNegative('negativeTtlMs', options.negativeTtlMs ?? 300_000);
    this.#maxPending = Math.floor(positive('maxPending', options.maxPending ?? 1000));
    this.#maxNegative = Math.floor(positive('maxNegative', options.maxNegative ?? 10_000));
    this.#now = options.now ?? Date.now;
    this.#tokens = this.#burst;
    this.#tokensAt = this.#now();
  }

  /** Looks `id` up (sharing a call with other misses); resolves `undefined` when unknown. */
  request(kind: DirectoryKind, id: string): Promise<DirectoryEntry | undefined> {
    if (this.#stopped) return Promise.resolve(undefined);
    if (!isGenesysId(id)) {
      this.#stats.skipped++;
      return Promise.resolve(undefined);
    }
    const k = key(kind, id);
    const expires = this.#negative.get(k);
    if (expires !== undefined) {
      if (expires > this.#now()) {
        this.#stats.cachedNegative++;
        return Promise.resolve(undefined);
      }
      this.#negative.delete(k);
    }
    const known = this.#inFlight.get(k) ?? this.#pending.get(kind)?.get(id);
    if (known) return known.promise;
    if (this.pendingCount >= this.#maxPending) {
      this.#stats.dropped++;
      return Promise.resolve(undefined);
    }
    let resolve!: (entry: DirectoryEntry | undefined) => void;
    const promise = new Promise<DirectoryEntry | undefined>((r) => (resolve = r));
    let queue = this.#pending.get(kind);
    if (!queue) this.#pending.set(kind, (queue = new Map()));
    queue.set(id, { kind, id, promise, resolve });
    this.#schedule(this.#coalesceMs);
    return promise;
  }

  /** Forgets a negative answer (e.g. after a refresh found the id). */
  forget(kind: DirectoryKind, id: string): void {
    this.#negative.delete(key(kind, id));
  }

  /** Ids waiting for a lookup. */
  get pendingCount(): number {
    let n = 0;
    for (const queue of this.#pending.values()) n += queue.size;
    return n;
  }

  stats(): MissResolverStats {
    return { ...this.#stats, pending: this.pendingCount };
  }

  /** Stops: waiting callers get `undefined`; later requests too. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const queue of this.#pending.values()) for (const w of queue.values()) w.resolve(undefined);
    this.#pending.clear();
  }

  #schedule(delayMs: number): void {
    if (this.#timer || this.#draining || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain();
    }, delayMs);
    this.#timer.unref?.();
  }

  /** Sends batches while tokens last; reschedules itself for the next token. */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (!this.#stopped) {
        const batch = this.#nextBatch();
        if (!batch) return;
        const wait = this.#takeToken();
        if (wait > 0) {
          this.#requeue(batch);
          this.#draining = false;
          this.#schedule(wait);
          return;
        }
        await this.#send(batch);
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Up to one call's worth of waiting ids of one kind (the kind with the most waiting). */
  #nextBatch(): Waiting[] | undefined {
    let kind: DirectoryKind | undefined;
    let most = 0;
    for (const [k, queue] of this.#pending) {
      if (queue.size > most) {
        most = queue.size;
        kind = k;
      }
    }
    if (kind === undefined) return undefined;
    const queue = this.#pending.get(kind)!;
    const batch: Waiting[] = [];
    for (const waiting of queue.values()) {
      batch.push(waiting);
      if (batch.length >= Math.max(1, this.#source.maxLookupBatch)) break;
    }
    for (const w of batch) {
      queue.delete(w.id);
      this.#inFlight.set(key(w.kind, w.id), w);
    }
    if (queue.size === 0) this.#pending.delete(kind);
    return batch;
  }

  #requeue(batch: Waiting[]): void {
    const kind = batch[0]!.kind;
    const rest = this.#pending.get(kind);
    const queue = new Map<string, Waiting>();
    for (const w of batch) {
      this.#inFlight.delete(key(w.kind, w.id));
      queue.set(w.id, w);
    }
    for (const [id, w] of rest ?? []) queue.set(id, w);
    this.#pending.set(kind, queue);
  }

  /** 0 when a token was taken, else the ms until one is there. */
  #takeToken(): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#tokensAt) * this.#ratePerMs);
    this.#tokensAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#ratePerMs));
  }

  async #send(batch: Waiting[]): Promise<void> {
    const kind = batch[0]!.kind;
    const ids = batch.map((w) => w.id);
    this.#stats.calls++;
    let entries: DirectoryEntry[] = [];
    try {
      entries = (await this.#source.lookup(kind, ids)).filter((e) => e.kind === kind && ids.includes(e.id));
      if (entries.length) await this.#found(entries);
    } catch (error) {
      this.#stats.failedCalls++;
      this.#stats.lastError = errorMessage(error);
      entries = [];
    }
    const byId = new Map(entries.map((e) => [e.id, e]));
    const expires = this.#now() + this.#negativeTtlMs;
    for (const w of batch) {
      this.#inFlight.delete(key(w.kind, w.id));
      const entry = byId.get(w.id);
      if (entry) this.#stats.found++;
      else {
        this.#stats.notFound++;
        this.#remember(key(w.kind, w.id), expires);
      }
      w.resolve(entry);
    }
  }

  #remember(k: string, expires: number): void {
    this.#negative.delete(k);
    this.#negative.set(k, expires);
    while (this.#negative.size > this.#maxNegative) {
      const oldest = this.#negative.keys().next().value as string;
      this.#negative.delete(oldest);
    }
  }
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new DirectoryOptionsError(`MissResolver: ${name} must be a number above 0, got ${String(value)}.`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0))
    throw new DirectoryOptionsError(`MissResolver: ${name} must be a number ≥ 0, got ${String(value)}.`);
  return value;
}
