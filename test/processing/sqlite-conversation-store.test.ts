/**
 * The SQLite conversation store beyond the shared store contract (stores.test.ts): the fact-set
 * cache (cold, warm, evicting, off), writers the cache did not see (another connection, another
 * process), transactions opened by the caller (commit, rollback, savepoints), and the migration
 * of a database written by the first version of the store.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import {
  ConversationSchemaError,
  factOf,
  openSqliteDatabase,
  projectConversation,
  SqliteConversationQueries,
  SqliteConversationStore,
} from '../../src/processing/index.js';
import { CONVERSATION_SCHEMA_VERSION } from '../../src/processing/stores/sqlite-conversation-schema.js';
import type { ConversationFact, ConversationProjection } from '../../src/processing/index.js';
import { decodeFact, encodeFact } from '../../src/processing/stores/sqlite-conversation-schema.js';
import { generateAnnotatedEvents } from '../../src/simulate/index.js';
import { projectRoot } from '../support/paths.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-sqlite-store-');
let n = 0;
const dbPath = (name: string) => join(dir, `${name}-${n++}.db`);

/** The clean facts of a simulated stream, in delivery order (out of order and re-delivered as generated). */
function stream(
  conversations: number,
  seed: number,
  faults = { duplicates: 0.05, outOfOrder: 0.1 },
): ConversationFact[] {
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
  ])(
    'with %s, every applyFact returns, and the table stores, the fold of the distinct facts so far',
    async (_name, cacheConversations) => {
      const facts = stream(60, 3);
      const store = new SqliteConversationStore(openSqliteDatabase(dbPath('cache')), { cacheConversations });
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
    },
  );

  it('a duplicate writes nothing: the conversation keeps its place in the "most recently updated" order', async () => {
    const db = openSqliteDatabase(dbPath('dup'));
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
    expect(db.prepare('SELECT version, update_seq FROM conversations WHERE conversation_id = ?').get(a)).toEqual(
      before,
    );
    expect(queries.list({ limit: 10 }).map((p) => p.conversationId)).toEqual([b, a]);
    expect(db.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get()).toBe(2);
  });

  it('refuses a negative or fractional cache size', () => {
    const db = openSqliteDatabase(dbPath('bad'));
    expect(() => new SqliteConversationStore(db, { cacheConversations: -1 })).toThrow(
      /cacheConversations must be a whole number/,
    );
    expect(() => new SqliteConversationStore(db, { cacheConversations: 1.5 })).toThrow(RangeError);
  });
});

describe('the fact log’s encoding', () => {
  const FIELDS = [
    'key',
    'conversationId',
    'topic',
    'eventTime',
    'participantId',
    'sessionId',
    'mediaType',
    'direction',
    'ani',
    'dnis',
    'queueId',
    'userId',
    'acdOutcome',
    'disconnectType',
    'connectedDurationMs',
    'interactingDurationMs',
    'heldDurationMs',
    'wrapupDurationMs',
    'wrapupCode',
  ];

  it('round-trips every fact of a simulated stream, shorter than the JSON object, and reads the JSON objects of schema version 2', () => {
    let encoded = 0;
    let asObjects = 0;
    for (const fact of stream(40, 71)) {
      const text = encodeFact(fact);
      expect(text.startsWith(`["${fact.key}",`)).toBe(true);
      expect(decodeFact(text, fact.conversationId)).toEqual(fact);
      expect(decodeFact(JSON.stringify(fact), fact.conversationId)).toEqual(fact);
      // One shape: every field present (absent ones undefined), in one order.
      expect(Object.keys(decodeFact(text, fact.conversationId))).toEqual(FIELDS);
      expect(Object.keys(decodeFact(JSON.stringify(fact), fact.conversationId))).toEqual(FIELDS);
      encoded += text.length;
      asObjects += JSON.stringify(fact).length;
    }
    expect(encoded).toBeLessThan(asObjects * 0.7);
  });

  it('property: any fact round-trips, whatever fields it has', () => {
    const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const text = fc.string({ maxLength: 12 });
    const factArb = fc.record({
      key: fc.string({ minLength: 1, maxLength: 64 }),
      conversationId: fc.constant('c1'),
      topic: fc.constantFrom('customer.start', 'acd.end', 'wrapup'),
      eventTime: fc.integer({ min: 0, max: 2 ** 45 }),
      participantId: optional(text),
      sessionId: optional(text),
      mediaType: optional(text),
      direction: optional(text),
      ani: optional(text),
      dnis: optional(text),
      queueId: optional(text),
      userId: optional(text),
      acdOutcome: optional(text),
      disconnectType: optional(text),
      wrapupCode: optional(text),
      connectedDurationMs: optional(fc.nat()),
      interactingDurationMs: optional(fc.nat()),
      heldDurationMs: optional(fc.nat()),
      wrapupDurationMs: optional(fc.nat()),
    }) as fc.Arbitrary<ConversationFact>;
    fc.assert(
      fc.property(factArb, (fact) => {
        expect(decodeFact(encodeFact(fact), 'c1')).toEqual(fact);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a damaged text with the conversation it belongs to', () => {
    const good = encodeFact(stream(1, 73)[0]!);
    for (const bad of [
      '["k"]',
      '["k","acd.start","1767268800000"]',
      '[1,"acd.start",1]',
      '["k","acd.start",1,5]',
      `[${'"x",'.repeat(20)}1]`,
      '{"key":"k"}',
      '"text"',
    ]) {
      expect(() => decodeFact(bad, 'c-7')).toThrow(/Corrupt conversation fact in conversation_fact_log of c-7/);
    }
    const timeAsText = good.replace(/^(\["[^"]*","[^"]*",)(\d+)/, '$1"$2"');
    expect(timeAsText).not.toBe(good);
    expect(() => decodeFact(timeAsText, 'c-7')).toThrow(/Corrupt/);
  });
});

describe('SqliteConversationStore: writers the cache did not see', () => {
  it('two stores on two connections to one file, alternating on the same conversations, both stay exact', async () => {
    const path = dbPath('two');
    const one = new SqliteConversationStore(openSqliteDatabase(path));
    const two = new SqliteConversationStore(openSqliteDatabase(path));
    const facts = stream(10, 12);
    const seen = new Map<string, ConversationFact[]>();
    for (const [i, fact] of facts.entries()) {
      seen.set(fact.conversationId, [...(seen.get(fact.conversationId) ?? []), fact]);
      // Each write is made by one of the stores; the other's cached copy is then out of date.
      expect(await (i % 2 === 0 ? one : two).applyFact(fact)).toEqual(
        projectConversation(seen.get(fact.conversationId)!),
      );
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
    const store = new SqliteConversationStore(openSqliteDatabase(path));
    await store.applyFact(first!); // cached here, then written behind our back:
    const script = `
      import { openSqliteDatabase, SqliteConversationStore } from './src/processing/index.ts';
      const store = new SqliteConversationStore(openSqliteDatabase(process.argv[1]));
      for (const fact of JSON.parse(process.argv[2])) await store.applyFact(fact);
    `;
    execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script, path, JSON.stringify(half)],
      { cwd: projectRoot, stdio: 'pipe' },
    );
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
    const db = openSqliteDatabase(path);
    const store = new SqliteConversationStore(db);
    const reader = new SqliteConversationQueries(openSqliteDatabase(path));
    const facts = stream(20, 31);
    db.exec('BEGIN IMMEDIATE');
    for (const fact of facts) await store.applyFact(fact); // .immediate() nests as a SAVEPOINT here
    expect(db.inTransaction).toBe(true);
    expect(reader.list({ limit: 100 })).toEqual([]);
    db.exec('COMMIT');
    for (const [id, projection] of reference(facts)) expect(reader.get(id)).toEqual(projection);
  });

  it('a rolled-back outer transaction leaves nothing behind, and the cache does not remember it', async () => {
    const db = openSqliteDatabase(dbPath('rollback'));
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
    const db = openSqliteDatabase(dbPath('savepoint'));
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

  it('inside the caller’s transaction (no savepoint), a write that fails takes its fact back out of the log', async () => {
    const db = openSqliteDatabase(dbPath('no-savepoint'));
    const store = new SqliteConversationStore(db);
    const facts = stream(1, 53, { duplicates: 0, outOfOrder: 0 });
    const logSize = () => db.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get();
    db.exec('BEGIN IMMEDIATE');
    store.applyFactNow(facts[0]!);
    db.exec(
      "CREATE TEMP TRIGGER refuse BEFORE UPDATE ON conversations BEGIN SELECT RAISE(ABORT, 'the row write failed'); END",
    );
    expect(() => store.applyFactNow(facts[1]!)).toThrow('the row write failed');
    expect(db.inTransaction).toBe(true);
    expect(logSize()).toBe(1);
    db.exec('DROP TRIGGER refuse');
    expect(store.applyFactNow(facts[1]!)).toEqual(projectConversation([facts[0]!, facts[1]!]));
    db.exec('COMMIT');
    expect(logSize()).toBe(2);
  });

  it('inside the caller’s transaction, a cached copy found out of date leaves no extra fact behind', async () => {
    const db = openSqliteDatabase(dbPath('stale-in-transaction'));
    const [one, two] = [new SqliteConversationStore(db), new SqliteConversationStore(db)];
    const facts = stream(3, 59);
    const seen = new Map<string, ConversationFact[]>();
    db.exec('BEGIN IMMEDIATE');
    for (const [i, fact] of facts.entries()) {
      seen.set(fact.conversationId, [...(seen.get(fact.conversationId) ?? []), fact]);
      expect((i % 2 === 0 ? one : two).applyFactNow(fact)).toEqual(projectConversation(seen.get(fact.conversationId)!));
    }
    db.exec('COMMIT');
    expect(one.cacheStats().reloads + two.cacheStats().reloads).toBeGreaterThan(facts.length / 4);
    expect(db.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get()).toBe(
      new Set(facts.map((f) => f.key)).size,
    );
    const listed = (db.prepare('SELECT fact_rowids FROM conversations').pluck().all() as string[]).flatMap(
      (r) => JSON.parse(r) as number[],
    );
    expect(listed.sort((a, b) => a - b)).toEqual(
      db.prepare('SELECT rowid FROM conversation_fact_log ORDER BY rowid').pluck().all(),
    );
  });

  it('a failure inside applyFact rolls back its own writes and leaves the cache usable', async () => {
    const db = openSqliteDatabase(dbPath('corrupt'));
    const store = new SqliteConversationStore(db, { cacheConversations: 0 });
    const facts = stream(1, 47, { duplicates: 0, outOfOrder: 0 });
    await store.applyFact(facts[0]!);
    const text = db.prepare('SELECT fact FROM conversation_fact_log').pluck().get() as string;
    for (const corrupt of ['{"not":"a fact"}', '["key-only"]', text.replace(/^\["/, '[42,"')]) {
      db.prepare('UPDATE conversation_fact_log SET fact = ?').run(corrupt);
      await expect(store.applyFact(facts[1]!)).rejects.toThrow(/Corrupt conversation fact in conversation_fact_log of/);
      expect(db.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get()).toBe(1); // facts[1] was not kept
    }
    db.prepare('UPDATE conversation_fact_log SET fact = ?').run(text);
    expect(await store.applyFact(facts[1]!)).toEqual(projectConversation([facts[0]!, facts[1]!]));
  });
});

/** The schema version 2 wrote (its DDL, frozen here): the projection as JSON in each row, facts as JSON objects. */
const SECOND_VERSION_DDL = `
  CREATE TABLE processing_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
  CREATE TABLE conversations (
    conversation_id TEXT PRIMARY KEY, projection TEXT NOT NULL, updated_at TEXT NOT NULL,
    fact_rowids TEXT NOT NULL DEFAULT '[]', version INTEGER NOT NULL DEFAULT 0, update_seq INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'active',
    answered INTEGER NOT NULL DEFAULT 0, abandoned INTEGER NOT NULL DEFAULT 0, waiting_queue_id TEXT, handle_ms INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE conversation_fact_log (fact TEXT NOT NULL);
  CREATE TABLE conversation_totals (id INTEGER PRIMARY KEY CHECK (id = 1), active INTEGER NOT NULL, ended INTEGER NOT NULL, answered INTEGER NOT NULL,
    abandoned INTEGER NOT NULL, left_queue INTEGER NOT NULL, handled_ended INTEGER NOT NULL, handle_ms_ended INTEGER NOT NULL);
  CREATE TABLE conversation_queue_waiting (queue_id TEXT PRIMARY KEY, waiting INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX conversations_by_state_update ON conversations (state, update_seq);
  CREATE TRIGGER conversations_totals_insert AFTER INSERT ON conversations BEGIN
    UPDATE conversation_totals SET active = active + (NEW.state = 'active'), ended = ended + (NEW.state = 'ended'), answered = answered + (NEW.answered <> 0), abandoned = abandoned + (NEW.abandoned <> 0), left_queue = left_queue + (NEW.answered <> 0 OR NEW.abandoned <> 0), handled_ended = handled_ended + (NEW.answered <> 0 AND NEW.state = 'ended'), handle_ms_ended = handle_ms_ended + (CASE WHEN NEW.answered <> 0 AND NEW.state = 'ended' THEN NEW.handle_ms ELSE 0 END) WHERE id = 1;
    INSERT INTO conversation_queue_waiting (queue_id, waiting) SELECT NEW.waiting_queue_id, 1 WHERE NEW.waiting_queue_id IS NOT NULL AND TRUE
     ON CONFLICT (queue_id) DO UPDATE SET waiting = waiting + 1;
  END;
  CREATE TRIGGER conversations_totals_update
    AFTER UPDATE OF state, answered, abandoned, handle_ms, waiting_queue_id ON conversations
    WHEN OLD.state IS NOT NEW.state OR OLD.answered IS NOT NEW.answered OR OLD.abandoned IS NOT NEW.abandoned
      OR OLD.handle_ms IS NOT NEW.handle_ms OR OLD.waiting_queue_id IS NOT NEW.waiting_queue_id
  BEGIN
    UPDATE conversation_totals SET active = active + (NEW.state = 'active') - (OLD.state = 'active'), ended = ended + (NEW.state = 'ended') - (OLD.state = 'ended'), answered = answered + (NEW.answered <> 0) - (OLD.answered <> 0), abandoned = abandoned + (NEW.abandoned <> 0) - (OLD.abandoned <> 0), left_queue = left_queue + (NEW.answered <> 0 OR NEW.abandoned <> 0) - (OLD.answered <> 0 OR OLD.abandoned <> 0), handled_ended = handled_ended + (NEW.answered <> 0 AND NEW.state = 'ended') - (OLD.answered <> 0 AND OLD.state = 'ended'), handle_ms_ended = handle_ms_ended + (CASE WHEN NEW.answered <> 0 AND NEW.state = 'ended' THEN NEW.handle_ms ELSE 0 END) - (CASE WHEN OLD.answered <> 0 AND OLD.state = 'ended' THEN OLD.handle_ms ELSE 0 END) WHERE id = 1;
    UPDATE conversation_queue_waiting SET waiting = waiting - 1 WHERE queue_id = OLD.waiting_queue_id AND OLD.waiting_queue_id IS NOT NEW.waiting_queue_id;
    INSERT INTO conversation_queue_waiting (queue_id, waiting) SELECT NEW.waiting_queue_id, 1 WHERE NEW.waiting_queue_id IS NOT NULL AND OLD.waiting_queue_id IS NOT NEW.waiting_queue_id
     ON CONFLICT (queue_id) DO UPDATE SET waiting = waiting + 1;
  END;
  CREATE TRIGGER conversations_totals_delete AFTER DELETE ON conversations BEGIN
    UPDATE conversation_totals SET active = active - (OLD.state = 'active'), ended = ended - (OLD.state = 'ended'), answered = answered - (OLD.answered <> 0), abandoned = abandoned - (OLD.abandoned <> 0), left_queue = left_queue - (OLD.answered <> 0 OR OLD.abandoned <> 0), handled_ended = handled_ended - (OLD.answered <> 0 AND OLD.state = 'ended'), handle_ms_ended = handle_ms_ended - (CASE WHEN OLD.answered <> 0 AND OLD.state = 'ended' THEN OLD.handle_ms ELSE 0 END) WHERE id = 1;
    UPDATE conversation_queue_waiting SET waiting = waiting - 1 WHERE queue_id = OLD.waiting_queue_id AND TRUE;
  END;
  INSERT INTO conversation_totals VALUES (1, 0, 0, 0, 0, 0, 0, 0);
  INSERT INTO processing_schema VALUES ('conversations', 2);
`;

describe('schema migration from version 2 (the projection stored as JSON, facts as JSON objects)', () => {
  /** A database as schema version 2 wrote it: each distinct fact appended as a JSON object, the row rewritten with the projection. */
  function secondVersionDatabase(path: string, facts: readonly ConversationFact[]): void {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(SECOND_VERSION_DDL);
    const append = db.prepare('INSERT INTO conversation_fact_log (fact) VALUES (?)');
    const upsert = db.prepare(
      `INSERT INTO conversations (conversation_id, projection, fact_rowids, updated_at, version, update_seq, state, answered, abandoned, waiting_queue_id, handle_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET projection = excluded.projection, fact_rowids = excluded.fact_rowids,
         updated_at = excluded.updated_at, version = excluded.version, update_seq = excluded.update_seq, state = excluded.state, answered = excluded.answered,
         abandoned = excluded.abandoned, waiting_queue_id = excluded.waiting_queue_id, handle_ms = excluded.handle_ms`,
    );
    const seen = new Map<string, { facts: ConversationFact[]; rowids: number[] }>();
    db.transaction(() => {
      facts.forEach((fact, i) => {
        const conversation = seen.get(fact.conversationId) ?? { facts: [], rowids: [] };
        seen.set(fact.conversationId, conversation);
        if (conversation.facts.some((f) => f.key === fact.key)) return;
        const rowid = Number(append.run(JSON.stringify(fact)).lastInsertRowid);
        conversation.facts.push(fact);
        conversation.rowids.push(rowid);
        const p = projectConversation(conversation.facts);
        upsert.run(
          fact.conversationId,
          JSON.stringify(p),
          JSON.stringify(conversation.rowids),
          new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
          i + 1,
          rowid,
          p.state,
          p.answered ? 1 : 0,
          p.abandoned ? 1 : 0,
          p.waitingQueueId ?? null,
          p.handleMs,
        );
      });
    })();
    db.close();
  }

  it('drops the stored projection, keeps the facts as they are, and reads and goes on writing exactly', async () => {
    const path = dbPath('v2');
    const all = stream(80, 67);
    const [before, after] = [all.slice(0, 600), all.slice(600)];
    secondVersionDatabase(path, before);
    const old = new Database(path, { readonly: true });
    const order = old
      .prepare('SELECT conversation_id FROM conversations ORDER BY update_seq DESC')
      .pluck()
      .all() as string[];
    const oldTotals = old.prepare('SELECT * FROM conversation_totals').get();
    const oldLog = old.prepare('SELECT rowid, fact FROM conversation_fact_log ORDER BY rowid').all();
    old.close();

    const db = openSqliteDatabase(path);
    const queries = new SqliteConversationQueries(db);
    expect(db.prepare("SELECT version FROM processing_schema WHERE component = 'conversations'").pluck().get()).toBe(3);
    expect(
      db.prepare("SELECT COUNT(*) FROM pragma_table_info('conversations') WHERE name = 'projection'").pluck().get(),
    ).toBe(0);
    expect(db.prepare('SELECT rowid, fact FROM conversation_fact_log ORDER BY rowid').all()).toEqual(oldLog);
    expect(db.prepare('SELECT * FROM conversation_totals').get()).toEqual(oldTotals);
    const expected = reference(before);
    for (const [id, projection] of expected) expect(queries.get(id), id).toEqual(projection);
    expect(queries.list({ limit: 1000 }).map((p) => p.conversationId)).toEqual(order);
    expect(queries.list({ state: 'active', limit: 1000 })).toEqual(
      order.map((id) => expected.get(id)!).filter((p) => p.state === 'active'),
    );
    expect(queries.contactCentreFigures()).toEqual(queries.recountContactCentreFigures());

    // Facts of version 2 (objects) and 3 (arrays) side by side: a new store reads each conversation's facts cold.
    const store = new SqliteConversationStore(db);
    const delivered = [...before];
    for (const fact of after) {
      delivered.push(fact);
      const mine = delivered.filter((f) => f.conversationId === fact.conversationId);
      expect(await store.applyFact(fact)).toEqual(projectConversation(mine));
    }
    for (const [id, projection] of reference(all)) expect(await store.get(id), id).toEqual(projection);
    expect(queries.contactCentreFigures()).toEqual(queries.recountContactCentreFigures());
    const formats = db
      .prepare('SELECT substr(fact, 1, 1) AS f, COUNT(*) AS n FROM conversation_fact_log GROUP BY f ORDER BY f')
      .all();
    expect(formats).toEqual([
      { f: '[', n: expect.any(Number) },
      { f: '{', n: oldLog.length },
    ]);
    // Opening it again is a no-op.
    new SqliteConversationQueries(openSqliteDatabase(path));
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
    const insertFact = db.prepare(
      'INSERT OR IGNORE INTO conversation_facts (conversation_id, event_key, fact) VALUES (?, ?, ?)',
    );
    const upsert = db.prepare(
      'INSERT INTO conversations (conversation_id, projection, updated_at) VALUES (?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET projection = excluded.projection, updated_at = excluded.updated_at',
    );
    const seen = new Map<string, ConversationFact[]>();
    facts.forEach((fact, i) => {
      // The first version stored facts without sessionId and projections without the new fields.
      const { sessionId: _sessionId, ...v1Fact } = fact;
      insertFact.run(fact.conversationId, fact.key, JSON.stringify(v1Fact));
      seen.set(fact.conversationId, [...(seen.get(fact.conversationId) ?? []), v1Fact]);
      const {
        answered: _a,
        waitingQueueId: _w,
        handleMs: _h,
        ...v1Projection
      } = projectConversation(seen.get(fact.conversationId)!);
      upsert.run(
        fact.conversationId,
        JSON.stringify(v1Projection),
        new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      );
    });
    db.close();
  }

  it('adds the typed columns, re-folds every conversation, counts the totals, keeps the update order', async () => {
    const path = dbPath('v1');
    // A stream cut short, so that some conversations are still waiting in a queue.
    const facts = stream(80, 61).slice(0, 500);
    firstVersionDatabase(path, facts);
    const db = openSqliteDatabase(path);
    const order = db
      .prepare('SELECT conversation_id FROM conversations ORDER BY updated_at DESC')
      .pluck()
      .all() as string[];
    const store = new SqliteConversationStore(db);
    expect(db.prepare("SELECT version FROM processing_schema WHERE component = 'conversations'").pluck().get()).toBe(
      CONVERSATION_SCHEMA_VERSION,
    );
    const withoutSessions = facts.map(({ sessionId: _s, ...f }) => f as ConversationFact);
    const expected = reference(withoutSessions);
    // The facts moved to the log, the first version's table is gone.
    expect(db.prepare('SELECT COUNT(*) FROM conversation_fact_log').pluck().get()).toBe(
      new Set(facts.map((f) => f.key)).size,
    );
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'conversation_facts'").pluck().get()).toBe(0);
    for (const [id, projection] of expected) expect(await store.get(id)).toEqual(projection);
    const queries = new SqliteConversationQueries(db);
    expect(queries.list({ limit: 1000 }).map((p) => p.conversationId)).toEqual(order);
    expect(queries.contactCentreFigures()).toEqual(queries.recountContactCentreFigures());
    expect(queries.contactCentreFigures().waitingByQueue.length).toBeGreaterThan(0);
    expect(queries.contactCentreFigures().activeConversations).toBe(
      [...expected.values()].filter((p) => p.state === 'active').length,
    );
    // And it goes on from there.
    const more = stream(80, 61).slice(500);
    for (const fact of more) await store.applyFact(fact);
    expect(queries.contactCentreFigures()).toEqual(queries.recountContactCentreFigures());
    // Opening it again is a no-op.
    new SqliteConversationStore(openSqliteDatabase(path));
  });

  it('refuses a database written by a newer schema version', () => {
    const db = openSqliteDatabase(dbPath('newer'));
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
    expect((error as Error).message).toMatch(
      new RegExp(`schema version 99, newer than this version .* understands \\(${CONVERSATION_SCHEMA_VERSION}\\)`),
    );
  });
});
