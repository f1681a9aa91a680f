/**
 * The pure core of a refresh: what to write after a complete listing of one kind, given what is
 * stored. Only differences are written; an object missing from the listing keeps its entry,
 * marked removed, so the names of past conversations stay readable.
 */
import { sameContent } from './entry.js';
import type { DirectoryEntry } from './entry.js';

/** What a complete listing changes. */
export interface ListingDiff {
  /** Entries to write (new, changed, newly removed), with `updatedAt` = now. */
  writes: DirectoryEntry[];
  added: number;
  /** Entries whose name changed. */
  renamed: number;
  /** Entries whose attributes (or removal) changed, name unchanged. */
  changed: number;
  /** Entries newly marked removed. */
  removed: number;
  unchanged: number;
}

/**
 * Compares a complete listing with the stored entries of the same kind.
 *
 * @example
 * const diff = diffListing(await store.all('queue'), listed, Date.now());
 * await store.put(diff.writes);
 */
export function diffListing(
  stored: Iterable<DirectoryEntry>,
  listed: Iterable<DirectoryEntry>,
  now: number,
): ListingDiff {
  const before = new Map<string, DirectoryEntry>();
  for (const entry of stored) before.set(entry.id, entry);
  const diff: ListingDiff = { writes: [], added: 0, renamed: 0, changed: 0, removed: 0, unchanged: 0 };
  const seen = new Set<string>();
  for (const fresh of listed) {
    if (seen.has(fresh.id)) continue;
    seen.add(fresh.id);
    const { removedAt: _removedAt, ...current } = fresh;
    const previous = before.get(fresh.id);
    if (!previous) diff.added++;
    else if (sameContent(previous, current)) {
      diff.unchanged++;
      continue;
    } else if (previous.name !== current.name) diff.renamed++;
    else diff.changed++;
    diff.writes.push({ ...current, updatedAt: now });
  }
  for (const previous of before.values()) {
    if (seen.has(previous.id) || previous.removedAt !== undefined) continue;
    diff.removed++;
    diff.writes.push({ ...previous, updatedAt: now, removedAt: now });
  }
  return diff;
}
