/**
 * On-miss lookups shared by many processes (the AWS deployment: every processor instance sends
 * its unknown ids to the one refresher function). Before asking the API, the ids already in the
 * store and those checked recently and found missing are left out, so the API hears about each
 * unknown id at most once per `negativeTtlMs` whatever the number of instances that missed it.
 */
import { isGenesysId } from './entry.js';
import type { DirectoryKind } from './entry.js';
import type { DirectorySource, DirectoryStore } from './ports.js';

/** The store operations {@link resolveSharedMisses} needs (`DynamoDbDirectoryStore` has them). */
export interface SharedMissStore extends Pick<DirectoryStore, 'get' | 'put'> {
  recentlyMissing(kind: DirectoryKind, ids: readonly string[], since: number): Promise<Set<string>>;
  markMissing(kind: DirectoryKind, ids: readonly string[], checkedAt: number, expiresAt: number): Promise<void>;
}

/** What {@link resolveSharedMisses} did. */
export interface SharedMissResult {
  kind: DirectoryKind;
  /** Ids asked for (distinct Genesys ids, at most `maxIds`). */
  requested: number;
  /** Already in the store, or recently checked and missing: not asked for. */
  known: number;
  found: number;
  missing: number;
  /** API lookup calls made. */
  calls: number;
}

/** Options of {@link resolveSharedMisses}. */
export interface SharedMissOptions {
  /** How long a "missing" answer holds (default 300,000 ms). */
  negativeTtlMs?: number;
  /** Ids handled per request at most; the rest are ignored (default 500). */
  maxIds?: number;
  now?: () => number;
}

/**
 * Looks up the ids of `kind` the store does not have and that were not found missing recently.
 *
 * @example
 * await resolveSharedMisses(store, new GenesysDirectorySource(http), 'queue', event.lookup.ids);
 */
export async function resolveSharedMisses(
  store: SharedMissStore,
  source: DirectorySource,
  kind: DirectoryKind,
  ids: readonly string[],
  options: SharedMissOptions = {},
): Promise<SharedMissResult> {
  const now = options.now ?? Date.now;
  const ttl = options.negativeTtlMs ?? 300_000;
  const wanted = [...new Set(ids.filter(isGenesysId))].slice(0, options.maxIds ?? 500);
  const stored = new Set((await store.get(kind, wanted)).map((e) => e.id));
  const unstored = wanted.filter((id) => !stored.has(id));
  const recent = unstored.length ? await store.recentlyMissing(kind, unstored, now() - ttl) : new Set<string>();
  const ask = unstored.filter((id) => !recent.has(id));
  const result: SharedMissResult = {
    kind,
    requested: wanted.length,
    known: wanted.length - ask.length,
    found: 0,
    missing: 0,
    calls: 0,
  };
  const batch = Math.max(1, source.maxLookupBatch);
  for (let i = 0; i < ask.length; i += batch) {
    const slice = ask.slice(i, i + batch);
    result.calls++;
    const at = now();
    const found = (await source.lookup(kind, slice)).filter((e) => e.kind === kind && slice.includes(e.id));
    if (found.length) await store.put(found.map((e) => ({ ...e, updatedAt: at })));
    const foundIds = new Set(found.map((e) => e.id));
    const missing = slice.filter((id) => !foundIds.has(id));
    if (missing.length) await store.markMissing(kind, missing, at, at + ttl);
    result.found += found.length;
    result.missing += missing.length;
  }
  return result;
}
