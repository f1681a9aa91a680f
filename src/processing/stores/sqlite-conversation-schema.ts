/**
 * The SQLite schema of the conversation projection, its fact encoding, and its migrations.
 *
 * Tables (schema version 3):
 *
 * - `conversation_fact_log (rowid, fact)` — every distinct fact, appended: a new fact goes to the
 *   end of the table, so a stream of events writes to the same few pages instead of one random
 *   page per event (which is what made commits expensive). The text is a JSON array of the
 *   fact's fields by position, without the conversation id ({@link encodeFact}); facts written by
 *   schema version 2 are JSON objects, and stay as they are ({@link decodeFact} reads both).
 * - `conversations` — one row per conversation: the rowids of its facts in the log
 *   (`fact_rowids`, a JSON array: which facts belong to it), and the figures the queries filter
 *   and count on as typed columns: `state` ('active' | 'ended'), `answered`, `abandoned` (0/1),
 *   `waiting_queue_id` (NULL when not waiting), `handle_ms`; plus `update_seq` (the log rowid of
 *   the fact whose arrival caused the write — larger for every later write, so it is the "most
 *   recently updated" order), `version` (a random token replaced by every write, which lets a
 *   writer's cache notice a write it did not make) and `updated_at` (ISO 8601, informative).
 *   Index `(state, update_seq)`. The projection itself is not stored: it is the fold of the
 *   facts, computed when read ({@link conversationReader}) — writing its JSON at every event was
 *   about a fifth of the processor's cost per event.
 * - `conversation_totals` (one row) and `conversation_queue_waiting (queue_id, waiting)` —
 *   aggregates of the typed columns, maintained by triggers on `conversations` in the same
 *   transaction as the row, so they always equal a recount ({@link recountConversationTotals}).
 *
 * Versions are recorded in `processing_schema (component, version)`, and a store or query
 * object opening an older database migrates it in place, in one transaction:
 *
 * - from the first version (no `processing_schema` row; facts in `conversation_facts`,
 *   `conversations` without the typed columns): facts moved to the log, every conversation
 *   re-folded (the old JSON lacks the new fields), columns added, `update_seq` assigned in
 *   `updated_at` order, totals counted, triggers created — then as from version 2;
 * - from version 2 (the projection as JSON in `conversations.projection`, facts as JSON objects):
 *   the `projection` column dropped. The facts are not rewritten.
 */
import { ConversationSchemaError } from '../errors.js';
import { assertFact } from '../facts.js';
import type { ConversationFact } from '../facts.js';
import type { Statement } from 'better-sqlite3';
import { canonicalFacts, projectCanonical, ProjectionFold } from '../projection.js';
import type { ConversationProjection } from '../projection.js';
import type { SqliteDatabase } from '../../sqlite/index.js';

/** The schema version this code writes. */
export const CONVERSATION_SCHEMA_VERSION = 3;

/** The `processing_schema.component` of the conversation projection. */
const COMPONENT = 'conversations';

/** The typed columns of a `conversations` row, from its projection. */
interface ConversationColumns {
  state: 'active' | 'ended';
  answered: 0 | 1;
  abandoned: 0 | 1;
  waitingQueueId: string | null;
  handleMs: number;
}

/** The typed columns of a projection. */
function columnsOf(projection: ConversationProjection): ConversationColumns {
  return {
    state: projection.state,
    answered: projection.answered ? 1 : 0,
    abandoned: projection.abandoned ? 1 : 0,
    waitingQueueId: projection.waitingQueueId ?? null,
    handleMs: projection.handleMs,
  };
}

/** A fresh random row version: 52 random bits, so two writes never share one in practice. */
export function newRowVersion(): number {
  return Math.floor(Math.random() * 2 ** 52) + 1;
}

/** The figures the totals hold; see {@link recountConversationTotals}. */
export interface ConversationTotals {
  active: number;
  ended: number;
  answered: number;
  abandoned: number;
  /** Conversations answered or abandoned (each counted once). */
  leftQueue: number;
  /** Conversations answered and ended. */
  handledEnded: number;
  /** Σ `handle_ms` of the conversations answered and ended. */
  handleMsEnded: number;
  /** Waiting conversations by queue (queues with none left out), sorted by queue id. */
  waitingByQueue: { queueId: string; waiting: number }[];
}

/** The tables of the first version (created empty on a new database, then migrated like an old one). */
const V1_TABLES = `
  CREATE TABLE IF NOT EXISTS conversation_facts (
    conversation_id TEXT NOT NULL,
    event_key TEXT NOT NULL,
    fact TEXT NOT NULL,
    PRIMARY KEY (conversation_id, event_key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS conversations (
    conversation_id TEXT PRIMARY KEY,
    projection TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
`;

/** Columns added by version 2, with their definitions (ALTER TABLE … ADD COLUMN). */
const V2_COLUMNS: ReadonlyArray<[string, string]> = [
  ['fact_rowids', "TEXT NOT NULL DEFAULT '[]'"],
  ['version', 'INTEGER NOT NULL DEFAULT 0'],
  ['update_seq', 'INTEGER NOT NULL DEFAULT 0'],
  ['state', "TEXT NOT NULL DEFAULT 'active'"],
  ['answered', 'INTEGER NOT NULL DEFAULT 0'],
  ['abandoned', 'INTEGER NOT NULL DEFAULT 0'],
  ['waiting_queue_id', 'TEXT'],
  ['handle_ms', 'INTEGER NOT NULL DEFAULT 0'],
];

/** What one row adds to each total, as SQL over the row's columns (`NEW.`, `OLD.`, or none for a plain query). */
const contribution = (row: 'NEW.' | 'OLD.' | '') => ({
  active: `(${row}state = 'active')`,
  ended: `(${row}state = 'ended')`,
  answered: `(${row}answered <> 0)`,
  abandoned: `(${row}abandoned <> 0)`,
  left_queue: `(${row}answered <> 0 OR ${row}abandoned <> 0)`,
  handled_ended: `(${row}answered <> 0 AND ${row}state = 'ended')`,
  handle_ms_ended: `(CASE WHEN ${row}answered <> 0 AND ${row}state = 'ended' THEN ${row}handle_ms ELSE 0 END)`,
});
const TOTAL_COLUMNS = Object.keys(contribution('')) as (keyof ReturnType<typeof contribution>)[];

const addWaiting = (row: 'NEW' | 'OLD', condition = 'TRUE'): string =>
  `INSERT INTO conversation_queue_waiting (queue_id, waiting) SELECT ${row}.waiting_queue_id, 1 WHERE ${row}.waiting_queue_id IS NOT NULL AND ${condition}
     ON CONFLICT (queue_id) DO UPDATE SET waiting = waiting + 1;`;
const removeWaiting = (row: 'NEW' | 'OLD', condition = 'TRUE'): string =>
  `UPDATE conversation_queue_waiting SET waiting = waiting - 1 WHERE queue_id = ${row}.waiting_queue_id AND ${condition};`;

const V2_AGGREGATES = `
  CREATE TABLE IF NOT EXISTS conversation_totals (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    ${TOTAL_COLUMNS.map((c) => `${c} INTEGER NOT NULL`).join(',\n    ')}
  );
  CREATE TABLE IF NOT EXISTS conversation_queue_waiting (
    queue_id TEXT PRIMARY KEY,
    waiting INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS conversations_by_state_update ON conversations (state, update_seq);

  CREATE TRIGGER IF NOT EXISTS conversations_totals_insert AFTER INSERT ON conversations BEGIN
    UPDATE conversation_totals SET ${TOTAL_COLUMNS.map((c) => `${c} = ${c} + ${contribution('NEW.')[c]}`).join(', ')} WHERE id = 1;
    ${addWaiting('NEW')}
  END;
  CREATE TRIGGER IF NOT EXISTS conversations_totals_update
    AFTER UPDATE OF state, answered, abandoned, handle_ms, waiting_queue_id ON conversations
    WHEN OLD.state IS NOT NEW.state OR OLD.answered IS NOT NEW.answered OR OLD.abandoned IS NOT NEW.abandoned
      OR OLD.handle_ms IS NOT NEW.handle_ms OR OLD.waiting_queue_id IS NOT NEW.waiting_queue_id
  BEGIN
    UPDATE conversation_totals SET ${TOTAL_COLUMNS.map((c) => `${c} = ${c} + ${contribution('NEW.')[c]} - ${contribution('OLD.')[c]}`).join(', ')} WHERE id = 1;
    ${removeWaiting('OLD', 'OLD.waiting_queue_id IS NOT NEW.waiting_queue_id')}
    ${addWaiting('NEW', 'OLD.waiting_queue_id IS NOT NEW.waiting_queue_id')}
  END;
  CREATE TRIGGER IF NOT EXISTS conversations_totals_delete AFTER DELETE ON conversations BEGIN
    UPDATE conversation_totals SET ${TOTAL_COLUMNS.map((c) => `${c} = ${c} - ${contribution('OLD.')[c]}`).join(', ')} WHERE id = 1;
    ${removeWaiting('OLD')}
  END;
`;

/**
 * Creates the schema, or migrates a database of an earlier version; a no-op on a current one.
 * Runs in one transaction (a savepoint when one is already open).
 *
 * @throws {ConversationSchemaError} for a database written by a newer version.
 */
export function ensureConversationSchema(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS processing_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const readVersion = db.prepare('SELECT version FROM processing_schema WHERE component = ?').pluck();
  if (readVersion.get(COMPONENT) === CONVERSATION_SCHEMA_VERSION) return;
  db.transaction(() => {
    const found = readVersion.get(COMPONENT) as number | undefined;
    if (found === CONVERSATION_SCHEMA_VERSION) return;
    if (found !== undefined && found > CONVERSATION_SCHEMA_VERSION) {
      throw new ConversationSchemaError(
        `The conversation tables of this database have schema version ${found}, newer than this version of genesys-event-pipeline understands (${CONVERSATION_SCHEMA_VERSION}). Upgrade the package, or use a new data directory.`,
      );
    }
    if (found === undefined || found < 2) migrateToVersion2(db);
    // Version 3: the projection is no longer stored (it is folded from the facts when read).
    const columns = new Set(
      db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('conversations') as string[],
    );
    if (columns.has('projection')) db.exec('ALTER TABLE conversations DROP COLUMN projection');
    db.prepare(
      'INSERT INTO processing_schema (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version',
    ).run(COMPONENT, CONVERSATION_SCHEMA_VERSION);
  }).immediate();
}

/** Creates the version 2 tables, or migrates a first-version database to them (see the module description). */
function migrateToVersion2(db: SqliteDatabase): void {
  db.exec(V1_TABLES);
  db.exec('CREATE TABLE IF NOT EXISTS conversation_fact_log (fact TEXT NOT NULL)');
  const columns = new Set(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('conversations') as string[]);
  for (const [name, definition] of V2_COLUMNS)
    if (!columns.has(name)) db.exec(`ALTER TABLE conversations ADD COLUMN ${name} ${definition}`);
  moveFactsToLog(db);
  db.exec('DROP TABLE conversation_facts');
  // Most recently updated last, as the first version's updated_at ordered them.
  db.exec(`
    UPDATE conversations SET update_seq = ranked.n
    FROM (SELECT rowid AS id, ROW_NUMBER() OVER (ORDER BY updated_at, conversation_id) AS n FROM conversations) AS ranked
    WHERE conversations.rowid = ranked.id
  `);
  db.exec(V2_AGGREGATES);
  db.prepare('DELETE FROM conversation_totals').run();
  db.prepare(
    `INSERT INTO conversation_totals (id, ${TOTAL_COLUMNS.join(', ')})
     SELECT 1, ${TOTAL_COLUMNS.map((c) => `COALESCE(SUM(${contribution('')[c]}), 0)`).join(', ')} FROM conversations`,
  ).run();
  db.prepare('DELETE FROM conversation_queue_waiting').run();
  db.prepare(
    'INSERT INTO conversation_queue_waiting (queue_id, waiting) SELECT waiting_queue_id, COUNT(*) FROM conversations WHERE waiting_queue_id IS NOT NULL GROUP BY waiting_queue_id',
  ).run();
}

/**
 * Moves each conversation's facts from the first version's `conversation_facts` to the log (in
 * canonical order), and writes its fact rowids, typed columns and a version.
 */
function moveFactsToLog(db: SqliteDatabase): void {
  const page = db.prepare(
    'SELECT rowid AS id, conversation_id AS conversationId FROM conversations WHERE rowid > ? ORDER BY rowid LIMIT 500',
  );
  const facts = db.prepare('SELECT fact FROM conversation_facts WHERE conversation_id = ?').pluck();
  const append = db.prepare('INSERT INTO conversation_fact_log (fact) VALUES (?)');
  const write = db.prepare(
    'UPDATE conversations SET fact_rowids = ?, version = ?, state = ?, answered = ?, abandoned = ?, waiting_queue_id = ?, handle_ms = ? WHERE rowid = ?',
  );
  let after = 0;
  for (;;) {
    const rows = page.all(after) as { id: number; conversationId: string }[];
    if (rows.length === 0) return;
    for (const row of rows) {
      const texts = facts.all(row.conversationId) as string[];
      if (texts.length > 0) {
        const ordered = canonicalFacts(
          texts.map((text) => assertFact(JSON.parse(text), `conversation_facts of ${row.conversationId}`)),
        );
        const rowids = ordered.map((fact) => Number(append.run(encodeFact(fact)).lastInsertRowid));
        const c = columnsOf(ProjectionFold.of(ordered).projection());
        write.run(
          JSON.stringify(rowids),
          newRowVersion(),
          c.state,
          c.answered,
          c.abandoned,
          c.waitingQueueId,
          c.handleMs,
          row.id,
        );
      }
      after = row.id;
    }
  }
}

/**
 * The fields of a fact after `key`, `topic` and `eventTime`, in the order of its log text
 * ({@link encodeFact}): the ones most events carry first, so that the absent ones are mostly at
 * the end, where they take no room.
 */
const FACT_FIELDS = [
  'participantId',
  'sessionId',
  'mediaType',
  'direction',
  'ani',
  'dnis',
  'queueId',
  'userId',
  'disconnectType',
  'acdOutcome',
  'connectedDurationMs',
  'interactingDurationMs',
  'heldDurationMs',
  'wrapupCode',
  'wrapupDurationMs',
] as const;
const NUMBER_FIELDS: ReadonlySet<string> = new Set([
  'connectedDurationMs',
  'interactingDurationMs',
  'heldDurationMs',
  'wrapupDurationMs',
]);

/**
 * A fact's text in `conversation_fact_log` (schema version 3): a JSON array
 * `[key, topic, eventTime, …FACT_FIELDS]`, `null` for an absent field and trailing ones left out;
 * no conversation id (the conversation's row lists its facts). About 40 % shorter than the fact
 * as a JSON object, which is what schema version 2 wrote.
 *
 * @example
 * encodeFact({ key: 'ab…', conversationId: 'c1', topic: 'acd.start', eventTime: 1767268800000, participantId: 'p1', queueId: 'q1' });
 * // '["ab…","acd.start",1767268800000,"p1",null,null,null,null,null,"q1"]'
 */
export function encodeFact(fact: ConversationFact): string {
  // In FACT_FIELDS order.
  const values: (string | number | null)[] = [
    fact.key,
    fact.topic,
    fact.eventTime,
    fact.participantId ?? null,
    fact.sessionId ?? null,
    fact.mediaType ?? null,
    fact.direction ?? null,
    fact.ani ?? null,
    fact.dnis ?? null,
    fact.queueId ?? null,
    fact.userId ?? null,
    fact.disconnectType ?? null,
    fact.acdOutcome ?? null,
    fact.connectedDurationMs ?? null,
    fact.interactingDurationMs ?? null,
    fact.heldDurationMs ?? null,
    fact.wrapupCode ?? null,
    fact.wrapupDurationMs ?? null,
  ];
  let length = values.length;
  while (values[length - 1] === null) length--;
  values.length = length;
  return JSON.stringify(values);
}

/**
 * The fact of a log text, either encoding: {@link encodeFact}'s array (schema 3; the conversation
 * id comes from the conversation's row) or the JSON object of schema version 2. Every field is
 * present on the result, `undefined` when absent (one object shape for all facts).
 *
 * @throws {Error} for a text that is neither (a damaged row must fail loudly, not fold into wrong figures).
 */
export function decodeFact(text: string, conversationId: string): ConversationFact {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) {
    const fact = assertFact(value, `conversation_fact_log of ${conversationId}`);
    return shapeFact(fact.key, conversationId, fact.topic, fact.eventTime, (name) => fact[name]);
  }
  const [key, topic, eventTime] = value as unknown[];
  const valid =
    typeof key === 'string' &&
    typeof topic === 'string' &&
    typeof eventTime === 'number' &&
    value.length <= 3 + FACT_FIELDS.length &&
    FACT_FIELDS.every((name, i) => {
      const field: unknown = value[3 + i];
      return field === undefined || field === null || typeof field === (NUMBER_FIELDS.has(name) ? 'number' : 'string');
    });
  if (!valid)
    throw new Error(
      `Corrupt conversation fact in conversation_fact_log of ${conversationId}: expected [key, topic, eventTime, …], found ${text.slice(0, 200)}.`,
    );
  return shapeFact(
    key,
    conversationId,
    topic as ConversationFact['topic'],
    eventTime,
    (name) => (value[FIELD_POSITION[name]] ?? undefined) as never,
  );
}

/** Where each of {@link FACT_FIELDS} sits in a fact's log array. */
const FIELD_POSITION = Object.fromEntries(FACT_FIELDS.map((name, i) => [name, 3 + i])) as Record<
  (typeof FACT_FIELDS)[number],
  number
>;

/** A fact with every field present, in one order (absent ones `undefined`). */
function shapeFact(
  key: string,
  conversationId: string,
  topic: ConversationFact['topic'],
  eventTime: number,
  field: <K extends (typeof FACT_FIELDS)[number]>(name: K) => ConversationFact[K],
): ConversationFact {
  return {
    key,
    conversationId,
    topic,
    eventTime,
    participantId: field('participantId'),
    sessionId: field('sessionId'),
    mediaType: field('mediaType'),
    direction: field('direction'),
    ani: field('ani'),
    dnis: field('dnis'),
    queueId: field('queueId'),
    userId: field('userId'),
    acdOutcome: field('acdOutcome'),
    disconnectType: field('disconnectType'),
    connectedDurationMs: field('connectedDurationMs'),
    interactingDurationMs: field('interactingDurationMs'),
    heldDurationMs: field('heldDurationMs'),
    wrapupDurationMs: field('wrapupDurationMs'),
    wrapupCode: field('wrapupCode'),
  };
}

/**
 * A reader of stored conversations: the projection of a `conversations` row (its id and
 * `fact_rowids`), folded from the facts the row lists. Prepares its statement once.
 *
 * @throws {Error} when the row lists a fact the log does not hold, or a fact is damaged.
 */
export function conversationReader(
  db: SqliteDatabase,
): (conversationId: string, factRowids: string) => ConversationProjection {
  const selectFacts = db
    .prepare('SELECT fact FROM conversation_fact_log WHERE rowid IN (SELECT value FROM json_each(?))')
    .pluck();
  return (conversationId, factRowids) => projectCanonical(readFacts(selectFacts, conversationId, factRowids));
}

/**
 * The facts a `conversations` row lists, in canonical order, decoded by {@link decodeFact}.
 *
 * @throws {Error} when the row lists a fact the log does not hold (the database is damaged).
 */
export function readFacts(
  selectFacts: Statement,
  conversationId: string,
  factRowids: string,
  decode: (text: string, conversationId: string) => ConversationFact = decodeFact,
): ConversationFact[] {
  const texts = selectFacts.all(factRowids) as string[];
  const facts = canonicalFacts(texts.map((text) => decode(text, conversationId)));
  const listed = (JSON.parse(factRowids) as unknown[]).length;
  if (facts.length !== listed) {
    throw new Error(
      `Conversation ${conversationId} lists ${listed} facts but ${facts.length} distinct ones were found in conversation_fact_log; the database is damaged.`,
    );
  }
  return facts;
}

/**
 * The totals recounted from the typed columns by a full scan (what the triggers maintain
 * incrementally). For checks and tests; O(conversations).
 */
export function recountConversationTotals(db: SqliteDatabase): ConversationTotals {
  const sums = db
    .prepare(
      `SELECT ${TOTAL_COLUMNS.map((c) => `COALESCE(SUM(${contribution('')[c]}), 0) AS ${c}`).join(', ')} FROM conversations`,
    )
    .get() as Record<(typeof TOTAL_COLUMNS)[number], number>;
  const waiting = db
    .prepare(
      'SELECT waiting_queue_id AS queueId, COUNT(*) AS waiting FROM conversations WHERE waiting_queue_id IS NOT NULL GROUP BY waiting_queue_id ORDER BY waiting_queue_id',
    )
    .all() as { queueId: string; waiting: number }[];
  return totalsOf(sums, waiting);
}

/**
 * A reader of the totals as the triggers maintain them: two indexed reads, O(queues). Prepares
 * its statements once.
 */
export function totalsReader(db: SqliteDatabase): () => ConversationTotals {
  const sumsStatement = db.prepare(`SELECT ${TOTAL_COLUMNS.join(', ')} FROM conversation_totals WHERE id = 1`);
  const waitingStatement = db.prepare(
    'SELECT queue_id AS queueId, waiting FROM conversation_queue_waiting WHERE waiting <> 0 ORDER BY queue_id',
  );
  return () => {
    const sums = sumsStatement.get() as Record<(typeof TOTAL_COLUMNS)[number], number> | undefined;
    if (!sums)
      throw new ConversationSchemaError(
        'The conversation_totals row is missing; the conversation schema was not created by this package.',
      );
    return totalsOf(sums, waitingStatement.all() as { queueId: string; waiting: number }[]);
  };
}

function totalsOf(
  sums: Record<(typeof TOTAL_COLUMNS)[number], number>,
  waitingByQueue: { queueId: string; waiting: number }[],
): ConversationTotals {
  return {
    active: sums.active,
    ended: sums.ended,
    answered: sums.answered,
    abandoned: sums.abandoned,
    leftQueue: sums.left_queue,
    handledEnded: sums.handled_ended,
    handleMsEnded: sums.handle_ms_ended,
    waitingByQueue,
  };
}
