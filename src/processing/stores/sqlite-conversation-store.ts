/**
 * The conversation projection in SQLite: `conversation_facts` (one row per distinct event) and
 * `conversations` (the projection as JSON). `applyFact` runs in one IMMEDIATE transaction —
 * SQLite serializes writers, so concurrent writers (threads or processes) never lose an update.
 */
import { assertFact } from '../facts.js';
import type { ConversationFact } from '../facts.js';
import { projectConversation } from '../projection.js';
import type { ConversationProjection } from '../projection.js';
import type { ConversationStore } from './conversation-store.js';
import type { SqliteDatabase } from './sqlite.js';

/**
 * {@link ConversationStore} on SQLite.
 *
 * @example
 * const store = new SqliteConversationStore(openProcessingDatabase('pipeline.db'));
 */
export class SqliteConversationStore implements ConversationStore {
  readonly #apply: (fact: ConversationFact) => ConversationProjection;
  readonly #get: (conversationId: string) => ConversationProjection | undefined;

  constructor(db: SqliteDatabase) {
    db.exec(`
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
    `);
    const insertFact = db.prepare('INSERT OR IGNORE INTO conversation_facts (conversation_id, event_key, fact) VALUES (?, ?, ?)');
    const selectFacts = db.prepare('SELECT fact FROM conversation_facts WHERE conversation_id = ?').pluck();
    const upsert = db.prepare(
      'INSERT INTO conversations (conversation_id, projection, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (conversation_id) DO UPDATE SET projection = excluded.projection, updated_at = excluded.updated_at',
    );
    const select = db.prepare('SELECT projection FROM conversations WHERE conversation_id = ?').pluck();
    const apply = db.transaction((fact: ConversationFact): ConversationProjection => {
      insertFact.run(fact.conversationId, fact.key, JSON.stringify(fact));
      const facts = (selectFacts.all(fact.conversationId) as string[]).map((text) => assertFact(JSON.parse(text), `conversation_facts of ${fact.conversationId}`));
      const projection = projectConversation(facts);
      upsert.run(fact.conversationId, JSON.stringify(projection), new Date().toISOString());
      return projection;
    });
    this.#apply = (fact) => apply.immediate(fact);
    this.#get = (conversationId) => {
      const text = select.get(conversationId) as string | undefined;
      return text === undefined ? undefined : (JSON.parse(text) as ConversationProjection);
    };
  }

  async applyFact(fact: ConversationFact): Promise<ConversationProjection> {
    return this.#apply(fact);
  }

  async get(conversationId: string): Promise<ConversationProjection | undefined> {
    return this.#get(conversationId);
  }
}
