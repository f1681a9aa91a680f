/**
 * The SQLite schema of the projections besides conversations — agent state, audit log,
 * transcripts, generic events — in the processing database, and its migrations.
 *
 * Tables (schema version 1, component `projections` in `processing_schema`):
 *
 * - `agent_state_facts (user_id, fact_id, dimension, since_ms, status, presence_definition_id,
 *   message)` — every distinct state fact, primary key `(user_id, fact_id)`: a fact stored twice is
 *   one row (`INSERT OR IGNORE`).
 * - `agents (user_id, presence_*, routing_*)` — each user's current presence and routing status:
 *   per dimension the fact with the latest `(since, fact id)`, written by an upsert whose `WHERE`
 *   keeps the later one — so the row is the same whatever order facts arrive in.
 * - `audit_log (event_key, entity_type, entity_id, user_id, event_time_ms, entry)` — one row per
 *   distinct audit event, indexed by entity, by user and by time.
 * - `transcript_utterances (conversation_id, utterance_id, rank, start_ms, utterance)` — per
 *   utterance the report of highest rank (`utteranceRank`: final before interim, then later), by
 *   an upsert whose `WHERE` keeps the higher rank.
 * - `generic_events (event_key, topic, entity_id, event_time_ms, record)` — every distinct event
 *   of a topic without a typed model, indexed by topic and entity, and by entity.
 *
 * Migrations: a processing database written before these projections existed (no `projections`
 * row) gets the tables, empty, in one transaction when a store or query object opens it. Events
 * of those families processed before that were not projected (the earlier version ignored them),
 * and their idempotency records make a replay skip them: the projections start from the upgrade.
 */
import type { SqliteDatabase } from '../../sqlite/index.js';
import { ProjectionSchemaError } from '../errors.js';

/** The schema version this code writes. */
export const PROJECTION_SCHEMA_VERSION = 1;

/** The `processing_schema.component` of these projections. */
const COMPONENT = 'projections';

const VERSION_1 = `
  CREATE TABLE IF NOT EXISTS agent_state_facts (
    user_id TEXT NOT NULL,
    fact_id TEXT NOT NULL,
    dimension TEXT NOT NULL,
    since_ms INTEGER NOT NULL,
    status TEXT NOT NULL,
    presence_definition_id TEXT,
    message TEXT,
    PRIMARY KEY (user_id, fact_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS agents (
    user_id TEXT PRIMARY KEY,
    presence_status TEXT,
    presence_definition_id TEXT,
    presence_message TEXT,
    presence_since INTEGER,
    presence_fact_id TEXT,
    routing_status TEXT,
    routing_since INTEGER,
    routing_fact_id TEXT
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS audit_log (
    event_key TEXT PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    user_id TEXT,
    event_time_ms INTEGER NOT NULL,
    entry TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_log_by_entity ON audit_log (entity_type, entity_id, event_time_ms);
  CREATE INDEX IF NOT EXISTS audit_log_by_user ON audit_log (user_id, event_time_ms);
  CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (event_time_ms);
  CREATE TABLE IF NOT EXISTS transcript_utterances (
    conversation_id TEXT NOT NULL,
    utterance_id TEXT NOT NULL,
    rank TEXT NOT NULL,
    start_ms INTEGER,
    utterance TEXT NOT NULL,
    PRIMARY KEY (conversation_id, utterance_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS generic_events (
    event_key TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    entity_id TEXT,
    event_time_ms INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS generic_events_by_topic ON generic_events (topic, entity_id, event_time_ms);
  CREATE INDEX IF NOT EXISTS generic_events_by_entity ON generic_events (entity_id, event_time_ms);
`;

/**
 * Creates the tables, or migrates a database of an earlier version; a no-op on a current one
 * (so it runs on a read-only connection to a current database). One transaction.
 *
 * @throws {ProjectionSchemaError} for a database written by a newer version.
 */
export function ensureProjectionSchema(db: SqliteDatabase): void {
  if (readVersion(db) === PROJECTION_SCHEMA_VERSION) return;
  db.exec('CREATE TABLE IF NOT EXISTS processing_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  db.transaction(() => {
    const found = readVersion(db);
    if (found === PROJECTION_SCHEMA_VERSION) return;
    if (found !== undefined && found > PROJECTION_SCHEMA_VERSION) {
      throw new ProjectionSchemaError(
        `The projection tables of this database have schema version ${found}, newer than this version of genesys-event-pipeline understands (${PROJECTION_SCHEMA_VERSION}). Upgrade the package, or use a new data directory.`,
      );
    }
    db.exec(VERSION_1);
    db.prepare(
      'INSERT INTO processing_schema (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version',
    ).run(COMPONENT, PROJECTION_SCHEMA_VERSION);
  }).immediate();
}

function readVersion(db: SqliteDatabase): number | undefined {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'processing_schema'")
    .pluck()
    .get();
  if (exists === undefined) return undefined;
  return db.prepare('SELECT version FROM processing_schema WHERE component = ?').pluck().get(COMPONENT) as
    number | undefined;
}
