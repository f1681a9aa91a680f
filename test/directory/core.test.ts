/** The directory's pure core: the listing diff and the bounds of on-miss lookups (stub source, injected clock). */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diffListing } from '../../src/directory/diff.js';
import type { DirectoryEntry, DirectoryKind } from '../../src/directory/entry.js';
import { MissResolver } from '../../src/directory/miss-resolver.js';
import type { DirectorySource } from '../../src/directory/ports.js';

const entry = (id: string, name: string, extra: Partial<DirectoryEntry> = {}): DirectoryEntry => ({
  kind: 'queue',
  id,
  name,
  attributes: {},
  updatedAt: 1,
  ...extra,
});

describe('diffListing', () => {
  it('writes only what changed; an object gone from the listing keeps its name, marked removed', () => {
    const stored = [
      entry('a', 'Billing'),
      entry('b', 'Sales', { attributes: { divisionId: 'd1' } }),
      entry('c', 'Old'),
      entry('d', 'Gone long ago', { removedAt: 5 }),
      entry('e', 'Same'),
    ];
    const listed = [
      entry('a', 'Billing (renamed)'),
      entry('b', 'Sales', { attributes: { divisionId: 'd2' } }),
      entry('e', 'Same'),
      entry('f', 'New'),
      entry('d', 'Back again'),
    ];
    const diff = diffListing(stored, listed, 100);
    expect(diff).toMatchObject({ added: 1, renamed: 2, changed: 1, removed: 1, unchanged: 1 });
    expect(diff.writes.map((w) => [w.id, w.name, w.updatedAt, w.removedAt])).toEqual([
      ['a', 'Billing (renamed)', 100, undefined],
      ['b', 'Sales', 100, undefined],
      ['f', 'New', 100, undefined],
      ['d', 'Back again', 100, undefined],
      ['c', 'Old', 100, 100],
    ]);
  });
});

class StubSource implements DirectorySource {
  readonly name = 'stub';
  readonly maxLookupBatch = 10;
  readonly calls: string[][] = [];
  constructor(readonly known: Set<string>) {}
  // eslint-disable-next-line require-yield
  async *list(): AsyncIterable<DirectoryEntry[]> {
    throw new Error('not listed');
  }
  async lookup(kind: DirectoryKind, ids: readonly string[]): Promise<DirectoryEntry[]> {
    this.calls.push([...ids]);
    return ids.filter((id) => this.known.has(id)).map((id) => ({ ...entry(id, `Name ${id.slice(0, 4)}`), kind }));
  }
}

describe('MissResolver', () => {
  it('coalesces, batches by the source’s size, and remembers "not found" until the TTL passes', async () => {
    const known = Array.from({ length: 15 }, () => randomUUID());
    const unknown = Array.from({ length: 5 }, () => randomUUID());
    const source = new StubSource(new Set(known));
    const stored: DirectoryEntry[] = [];
    let now = 1_000;
    const misses = new MissResolver(source, (found) => void stored.push(...found), {
      coalesceMs: 5,
      negativeTtlMs: 60_000,
      now: () => now,
    });
    const ids = [...known, ...unknown];
    const answers = await Promise.all([...ids, ...ids, ...ids].map((id) => misses.request('queue', id)));
    expect(source.calls.map((c) => c.length)).toEqual([10, 10]);
    expect(answers.filter(Boolean)).toHaveLength(45);
    expect(stored).toHaveLength(15);
    await Promise.all(unknown.map((id) => misses.request('queue', id)));
    expect(source.calls).toHaveLength(2);
    now += 60_001;
    await Promise.all(unknown.map((id) => misses.request('queue', id)));
    expect(source.calls).toHaveLength(3);
    expect(misses.stats()).toMatchObject({ calls: 3, found: 15, notFound: 10, cachedNegative: 5 });
    misses.stop();
  });

  it('remembers a failed lookup like a "not found", and counts it', async () => {
    const source = new StubSource(new Set());
    source.lookup = async () => {
      throw new Error('Genesys is down');
    };
    const misses = new MissResolver(source, () => undefined, { coalesceMs: 1 });
    const id = randomUUID();
    expect(await misses.request('user', id)).toBeUndefined();
    expect(await misses.request('user', id)).toBeUndefined();
    expect(misses.stats()).toMatchObject({ calls: 1, failedCalls: 1, cachedNegative: 1, lastError: 'Genesys is down' });
    misses.stop();
  });

  it('refuses bad bounds with the option’s name', () => {
    expect(() => new MissResolver(new StubSource(new Set()), () => undefined, { maxCallsPerMinute: 0 })).toThrow(
      /maxCallsPerMinute must be a number above 0/,
    );
  });
});
