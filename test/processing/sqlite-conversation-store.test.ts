/**
 * The SQLite conversation store beyond the shared store contract (stores.test.ts): the fact-set
 * cache (cold, warm, evicting, off), writers the cache did not see (another connection, another
 * process), transactions opened by the caller (commit, rollback, savepoints), and the migration
 * of a database written by the first version of the store.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import {
  CONVERSATION_SCHEMA_VERSION,
  ConversationSchemaError,
  factOf,
  openProcessingDatabase,
  projectConversation,
  SqliteConversationQueries,
  SqliteConversationStore,
} from '../../src/processing/index.js';
import type { ConversationFact, ConversationProjection } from '../../src/processing/index.js';
import { generateAnnotatedEvents } from '../../src/simulate/index.js';
import { projectRoot } from '../support/paths.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-sqlite-store-');
let n = 0;
const dbPath = (name: string) => join(dir, `${name}-${n++}.db`);

/** The clean facts of a simulated stream, in delivery order (out of order and re-delivered as generated). */
function stream(conversations: number, seed: number, faults = { duplicates: 0.05, outOfOrder: 0.1 }): ConversationFact[] {
  const facts: ConversationFact[] = [];
  for (const { line, fault } of generateAnnotatedEvents({ conversations, seed, ...faults })) {
    if (fault === 'malformed' || fault === 'oversized') continue;
    const parsed = parseGenesysEvent(line);
    if (parsed.ok && parsed.event.kind === 'conversation') facts.push(factOf(parsed.event));
  }
  return facts;
}

/** The reference: every conversation folded from all its distinct facts delivered so far. */
function reference(delivered: readonly ConversationFact[]): Map<string, ConversationProjection> {
  const byConversation = new Map<string, ConversationFact[]>();
  for (const f of delivered) byConversation.set(f.conversationId, [...(byConversation.get(f.conversationId) ?? []), f]);
  return new Map([...byConversation].map(([id, facts]) => [id, projectConversation(facts)]));
}

describe('SqliteConversationStore: the fact-set cache', () => {
  it.each([
    ['a cache larger than the stream', 10_000],
    ['a tiny cache (constant evictions)', 3],
    ['no cache', 0],
  ])('with %s, every applyFact returns, and the table stores, the fold of the distinct facts so far', async (_name, cacheConversations) => {
    const facts = stream(60, 3);
    const store = new SqliteConversationStore(openProcessingDatabase(dbPath('cache')), { cacheConversations });
    const seen = new Map<string, ConversationFact[]>();
    for (const fact of facts) {
      const list = seen.get(fact.conversationId) ?? [];
      list.push(fact);
      seen.set(fact.conversationId, list);
      expect(await store.applyFact(fact)).toEqual(projectConversation(list));
    }
    for (const [id, projection] of reference(facts)) expect(await store.get(id), id).toEqual(projection);
    const stats = store.cacheStats();
    expect(stats.capacity).toBe(cacheConversations);
    expect(stats.size).toBeLessThanOrEqual(cacheConversations);
    if (cacheConversations === 10_000) expect(stats.misses).toBe(seen.size); // one cold read per conversation
    if (cacheConversations === 3) expect(stats.evictions).toBeGreaterThan(50);
    if (cacheConversations === 0) expect(stats.hits).toBe(0);
  });

  it('a duplicate writes nothing: the conversation keeps its place in the "most recently updated" order', async () => {
    const db = openProcessingDatabase(dbPath('dup'));
    const store = new SqliteConversationStore(db);
    const queries = new SqliteConversationQueries(db);
    const [a, b] = [...reference(stream(2, 8)).keys()];
    const facts = stream(2, 8, { duplicates: 0, outOfOrder: 0 });
    const factA = facts.find((f) => f.conversationId === a)!;
    const factB = facts.find((f) => f.conversationId === b)!;
    await store.applyFact(factA);
    await store.applyFact(factB);
    const before = db.prepare('SELECT version, update_seq FROM conversations WHERE conversation_id = ?').get(a);
    expect(await store.applyFact(factA)).toEqual(projectConversation([factA]));
    expect(db.prepare('SELECT version, update_seq FROM conversations WHERE conversation_id = ?').get(a)).toEqual(before);
    expect(queries.list({ limit: 10 }).map((p) => p.conversationId)).toEqual([b, a]);
    expect(db.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get()).toBe(2);
  });

  it('refuses a negative or fractional cache size', () => {
    const db = openProcessingDatabase(dbPath('bad'));
    expect(() => new SqliteConversationStore(db, { cacheConversations: -1 })).toThrow(/cacheConversations must be a whole number/);
    expect(() => new SqliteConversationStore(db, { cacheConversations: 1.5 })).toThrow(RangeError);
  });
});

describe('SqliteConversationStore: writers the cache did not see', () => {
  it('two stores on two connections to one file, alternating on the same conversations, both stay exact', async () => {
    const path = dbPath('two');
    const one = new SqliteConversationStore(openProcessingDatabase(path));
    const two = new SqliteConversationStore(openProcessingDatabase(path));
    const facts = stream(10, 12);
    const seen = new Map<string, ConversationFact[]>();
    for (const [i, fact] of facts.entries()) {
      seen.set(fact.conversationId, [...(seen.get(fact.conversationId) ?? []), fact]);
      // Each write is made by one of the stores; the other's cached copy is then out of date.
      expect(await (i % 2 === 0 ? one : two).applyFact(fact)).toEqual(projectConversation(seen.get(fact.conversationId)!));
    }
    for (const [id, projection] of reference(facts)) {
      expect(await one.get(id)).toEqual(projection);
      expect(await two.get(id)).toEqual(projection);
    }
    expect(one.cacheStats().reloads + two.cacheStats().reloads).toBeGreaterThan(facts.length / 4);
  });

  it('another process writes the database between two events of a conversation', async () => {
    const path = dbPath('process');
    const facts = stream(1, 21, { duplicates: 0, outOfOrder: 0 });
    const [first, ...rest] = facts;
    const half = rest.slice(0, Math.floor(rest.length / 2));
    const later = rest.slice(half.length);
    const store = new SqliteConversationStore(openProcessingDatabase(path));
    await store.applyFact(first!); // cached here, then written behind our back:
    const script = `
      import { openProcessingDatabase, SqliteConversationStore } from './src/processing/index.ts';
      const store = new SqliteConversationStore(openProcessingDatabase(process.argv[1]));
      for (const fact of JSON.parse(process.argv[2])) await store.applyFact(fact);
    `;
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path, JSON.stringify(half)], { cwd: projectRoot, stdio: 'pipe' });
    const projection = await store.applyFact(later[0]!);
    expect(projection).toEqual(projectConversation([first!, ...half, later[0]!]));
    for (const fact of later.slice(1)) await store.applyFact(fact);
    expect(await store.get(first!.conversationId)).toEqual(projectConversation(facts));
    expect(store.cacheStats().reloads).toBe(1);
  });
});

describe('SqliteConversationStore inside transactions the caller opened', () => {
  it('many events in one outer transaction: invisible to other connections until COMMIT, then exact', async () => {
    const path = dbPath('outer');
    const db = openProcessingDatabase(path);
    const store = new SqliteConversationStore(db);
    const reader = new SqliteConversationQueries(openProcessingDatabase(path));
    const facts = stream(20, 31);
    db.exec('BEGIN IMMEDIATE');
    for (const fact of facts) await store.applyFact(fact); // .immediate() nests as a SAVEPOINT here
    expect(db.inTransaction).toBe(true);
    expect(reader.list({ limit: 100 })).toEqual([]);
    db.exec('COMMIT');
    for (const [id, projection] of reference(facts)) expect(reader.get(id)).toEqual(projection);
  });

  it('a rolled-back outer transaction leaves nothing behind, and the cache does not remember it', async () => {
    const db = openProcessingDatabase(dbPath('rollback'));
    const store = new SqliteConversationStore(db);
    const facts = stream(1, 41, { duplicates: 0, outOfOrder: 0 });
    const id = facts[0]!.conversationId;
    await store.applyFact(facts[0]!);
    db.exec('BEGIN IMMEDIATE');
    await store.applyFact(facts[1]!);
    await store.applyFact(facts[2]!);
    db.exec('ROLLBACK');
    expect(await store.get(id)).toEqual(projectConversation([facts[0]!]));
    // The cache still holds facts 1 and 2, but the row's version tells it they were rolled back.
    expect(await store.applyFact(facts[3]!)).toEqual(projectConversation([facts[0]!, facts[3]!]));
    // Re-delivered after the rollback, they are new again.
    expect(await store.applyFact(facts[1]!)).toEqual(projectConversation([facts[0]!, facts[3]!, facts[1]!]));
    expect(db.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get()).toBe(3);
  });

  it('a rolled-back savepoint of the caller (an enclosing transaction function that throws) is forgotten too', async () => {
    const db = openProcessingDatabase(dbPath('savepoint'));
    const store = new SqliteConversationStore(db);
    const facts = stream(1, 43, { duplicates: 0, outOfOrder: 0 });
    db.exec('BEGIN IMMEDIATE');
    store.applyFactNow(facts[0]!);
    const failing = db.transaction(() => {
      store.applyFactNow(facts[1]!);
      throw new Error('a later step of the batch failed');
    });
    expect(() => failing()).toThrow('a later step');
    expect(db.inTransaction).toBe(true);
    store.applyFactNow(facts[2]!);
    db.exec('COMMIT');
    expect(await store.get(facts[0]!.conversationId)).toEqual(projectConversation([facts[0]!, facts[2]!]));
  });

  it('a failure inside applyFact rolls back its own writes and leaves the cache usable', async () => {
    const db = openProcessingDatabase(dbPath('corrupt'));
    const store = new SqliteConversationStore(db, { cacheConversations: 0 });
    const facts = stream(1, 47, { duplicates: 0, outOfOrder: 0 });
    await store.applyFact(facts[0]!);
    db.prepare("UPDATE conversation_fact_log SET fact = ? WHERE json_extract(fact, '$.key') = ?").run('{"not":"a fact"}', facts[0]!.key);
    await expect(store.applyFact(facts[1]!)).rejects.toThrow(/Corrupt conversation fact in conversation_fact_log of/);
    expect(db.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get()).toBe(1); // facts[1] was not kept
    db.prepare("UPDATE conversation_fact_log SET fact = ? WHERE fact = '{\"not\":\"a fact\"}'").run(JSON.stringify(facts[0]));
    expect(await store.applyFact(facts[1]!)).toEqual(projectConversation([facts[0]!, facts[1]!]));
  });
});

describe('schema migration from the first version of the store', () => {
  /** A database exactly as the first version wrote it (its DDL and its projection JSON). */
  function firstVersionDatabase(path: string, facts: readonly ConversationFact[]): void {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS conversation_facts (conversation_id TEXT NOT NULL, event_key TEXT NOT NULL, fact TEXT NOT NULL, PRIMARY KEY (conversation_id, event_key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS conversations (conversation_id TEXT PRIMARY KEY, projection TEXT NOT NULL, updated_at TEXT NOT NULL);
    `);
    const insertFact = db.prepare('INSERT OR IGNORE INTO conversation_facts (conversation_id, event_key, fact) VALUES (?, ?, ?)');
    const upsert = db.prepare('INSERT INTO conversations (conversation_id, projection, updated_at) VALUES (?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET projection = excluded.projection, updated_at = excluded.updated_at');
    const seen = new Map<string, ConversationFact[]>();
    facts.forEach((fact, i) => {
      // The first version stored facts without sessionId and projections without the new fields.
      const { sessionId: _sessionId, ...v1Fact } = fact;
      insertFact.run(fact.conversationId, fact.key, JSON.stringify(v1Fact));
      seen.set(fact.conversationId, [...(seen.get(fact.conversationId) ?? []), v1Fact]);
      const { answered: _a, waitingQueueId: _w, handleMs: _h, ...v1Projection } = projectConversation(seen.get(fact.conversationId)!);
      upsert.run(fact.conversationId, JSON.stringify(v1Projection), new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString());
    });
    db.close();
  }

  it('adds the typed columns, re-folds every conversation, counts the totals, keeps the update order', async () => {
    const path = dbPath('v1');
    // A stream cut short, so that some conversations are still waiting in a queue.
    const facts = stream(80, 61).slice(0, 500);
    firstVersionDatabase(path, facts);
    const db = openProcessingDatabase(path);
    const order = db.prepare('SELECT conversation_id FROM conversations ORDER BY updated_at DESC').pluck().all() as string[];
    const store = new SqliteConversationStore(db);
    expect(db.prepare("SELECT version FROM processing_schema WHERE component = 'conversations'").pluck().get()).toBe(CONVERSATION_SCHEMA_VERSION);
    const withoutSessions = facts.map(({ sessionId: _s, ...f }) => f as ConversationFact);
    const expected = reference(withoutSessions);
    // The facts moved to the log, the first version's table is gone.
    expect(db.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get()).toBe(new Set(facts.map((f) => f.key)).size);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'conversation_facts'").pluck().get()).toBe(0);
    for (const [id, projection] of expected) expect(await store.get(id)).toEqual(projection);
    const queries = new SqliteConversationQueries(db);
    expect(queries.list({ limit: 1000 }).map((p) => p.conversationId)).toEqual(order);
    expect(queries.contactCentreFigures()).toEqual(queries.recountContactCentreFigures());
    expect(queries.contactCentreFigures().waitingByQueue.length).toBeGreaterThan(0);
    expect(queries.contactCentreFigures().activeConversations).toBe([...expected.values()].filter((p) => p.state === 'active').length);
    // And it goes on from there.
    const more = stream(80, 61).slice(500);
    for (const fact of more) await store.applyFact(fact);
    expect(queries.contactCentreFigures()).toEqual(queries.recountContactCentreFigures());
    // Opening it again is a no-op.
    new SqliteConversationStore(openProcessingDatabase(path));
  });

  it('refuses a database written by a newer schema version', () => {
    const db = openProcessingDatabase(dbPath('newer'));
    new SqliteConversationStore(db);
    db.prepare("UPDATE processing_schema SET version = 99 WHERE component = 'conversations'").run();
    const error = (() => {
      try {
        new SqliteConversationStore(db);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConversationSchemaError);
    expect((error as Error).message).toMatch(/schema version 99, newer than this version .* understands \(2\)/);
  });
});
