/**
 * The data lake's record: one JSON object per event, on one line (NDJSON), the same on AWS
 * (Amazon Data Firehose → S3) and locally (`genesys-pipeline run --lake-dir DIR`), partitioned
 * Hive-style by family and the event's UTC date: `family=conversation/dt=2026-12-07/`.
 *
 * The record is normalized across families — the same columns for every event, the typed body
 * as a JSON object — so one Athena table (`LAKE_COLUMNS`, created by the construct's `lake`
 * prop with partition projection on `family` and `dt`) reads all of them. docs/processing.md,
 * "The data lake", documents every field and an example query.
 */
import type { GenesysEvent } from '../events/index.js';
import { EVENT_KINDS } from '../events/topics.js';
import type { EventKind } from '../events/topics.js';

/** Version of the record's shape (`v`): bumped when a field changes meaning or type. */
export const LAKE_RECORD_VERSION = 1;

/** One event as the lake stores it (field names in snake_case: Athena's column names). */
export interface LakeRecord {
  /** The record's shape version ({@link LAKE_RECORD_VERSION}). */
  v: number;
  /** The event's family (`conversation`, `user-presence`, …, `generic`): also the `family=` partition. */
  family: EventKind;
  /** The generic topic (`detail-type`), e.g. `v2.detail.events.conversation.{id}.acd.end`. */
  topic: string;
  /** The concrete topic, with the ids. */
  topic_name: string;
  /** The event's idempotency key: the same event re-sent by Genesys has the same key. */
  idempotency_key: string;
  /** When it happened (the body's own time, see `GenesysEvent.time`), ISO 8601 UTC; its date is the `dt=` partition. */
  event_time: string;
  /** When EventBridge received it (the envelope's `time`), ISO 8601 UTC. */
  ingest_time: string;
  /** When the lake sink wrote it, ISO 8601 UTC. */
  processed_time: string;
  /** The Genesys organization. */
  org_id: string;
  /** The EventBridge event id (a re-send by Genesys has a new one; the key stays). */
  event_id: string;
  /** The delivery's message id (SQS message id, or the EventBridge event id in direct mode). */
  message_id: string;
  /** The conversation (conversation and transcription events). */
  conversation_id?: string;
  /** The user (presence, routing status and activity events). */
  user_id?: string;
  /** The audited entity's type (audit events). */
  entity_type?: string;
  /** The entity the event is about (audit events; generic events: the first id of the topic). */
  entity_id?: string;
  /** The values of the topic's `{id}` segments, in order (generic events). */
  ids?: string[];
  /** The event's body (`detail.eventBody`), validated against its family's schema. */
  body: unknown;
}

/** Where a record goes: its partition's values. */
export interface LakePartition {
  family: EventKind;
  /** The event's UTC date, `YYYY-MM-DD`. */
  dt: string;
}

/** The families a record's `family` can take (the `family` partition's values). */
export const LAKE_FAMILIES: readonly EventKind[] = EVENT_KINDS;

/**
 * The lake table's columns, in order, as Athena (Hive DDL) types — the schema of {@link LakeRecord}
 * without the partition columns `family` and `dt`. `body` is a `string`: the body's JSON text
 * (`json_extract_scalar(body, '$.queueId')`), one column for the bodies of every family.
 */
export const LAKE_COLUMNS: ReadonlyArray<{ name: string; type: string; comment: string }> = [
  { name: 'v', type: 'int', comment: 'record shape version' },
  { name: 'topic', type: 'string', comment: 'generic topic (detail-type)' },
  { name: 'topic_name', type: 'string', comment: 'concrete topic with ids' },
  { name: 'idempotency_key', type: 'string', comment: 'the event key: equal for a re-sent event' },
  { name: 'event_time', type: 'string', comment: 'when it happened, ISO 8601 UTC' },
  { name: 'ingest_time', type: 'string', comment: 'when EventBridge received it, ISO 8601 UTC' },
  { name: 'processed_time', type: 'string', comment: 'when the lake sink wrote it, ISO 8601 UTC' },
  { name: 'org_id', type: 'string', comment: 'Genesys organization id' },
  { name: 'event_id', type: 'string', comment: 'EventBridge event id' },
  { name: 'message_id', type: 'string', comment: 'delivery message id' },
  { name: 'conversation_id', type: 'string', comment: 'conversation and transcription events' },
  { name: 'user_id', type: 'string', comment: 'presence, routing status, activity events' },
  { name: 'entity_type', type: 'string', comment: 'audit events' },
  { name: 'entity_id', type: 'string', comment: 'audit events; generic: first topic id' },
  { name: 'ids', type: 'array<string>', comment: 'generic events: the topic ids in order' },
  { name: 'body', type: 'string', comment: 'the event body as JSON text' },
];

/** The partition columns, in path order. */
export const LAKE_PARTITION_KEYS = ['family', 'dt'] as const;

/** ISO 8601 UTC of epoch ms; `undefined` when not a valid time. */
function iso(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The lake record of an event.
 *
 * @param delivery the delivery's message id, and the time the record is written (epoch ms).
 * @example
 * const record = lakeRecord(event, { messageId: context.messageId, processedAt: Date.now() });
 * lakePartitionPath(lakePartition(record)) // 'family=conversation/dt=2026-12-07'
 */
export function lakeRecord(event: GenesysEvent, delivery: { messageId: string; processedAt: number }): LakeRecord {
  const eventTime = iso(event.time) ?? iso(Date.parse(event.envelope.time)) ?? new Date(0).toISOString();
  const record: LakeRecord = {
    v: LAKE_RECORD_VERSION,
    family: event.kind,
    topic: event.genericTopic,
    topic_name: event.topicName,
    idempotency_key: event.key,
    event_time: eventTime,
    ingest_time: iso(Date.parse(event.envelope.time)) ?? eventTime,
    processed_time: iso(delivery.processedAt) ?? new Date().toISOString(),
    org_id: event.orgId,
    event_id: event.envelope.id,
    message_id: delivery.messageId,
    body: event.body,
  };
  switch (event.kind) {
    case 'conversation':
    case 'transcription':
      record.conversation_id = event.conversationId;
      break;
    case 'user-presence':
    case 'user-routing-status':
    case 'user-activity':
      record.user_id = event.userId;
      break;
    case 'audit':
      record.entity_type = event.entityType;
      record.entity_id = event.entityId;
      break;
    case 'generic':
      if (event.entityId !== undefined) record.entity_id = event.entityId;
      record.ids = [...event.ids];
      break;
  }
  return record;
}

/** A record's partition: its family and its event time's UTC date. */
export function lakePartition(record: Pick<LakeRecord, 'family' | 'event_time'>): LakePartition {
  return { family: record.family, dt: record.event_time.slice(0, 10) };
}

/**
 * The partition's relative path, Hive-style (`family=conversation/dt=2026-12-07`), as Athena's
 * partition projection and the construct's Firehose prefix spell it.
 */
export function lakePartitionPath(partition: LakePartition): string {
  return `family=${partition.family}/dt=${partition.dt}`;
}

/** The record as one line of NDJSON, newline included (the form both the files and Firehose get). */
export function lakeLine(record: LakeRecord): string {
  return `${JSON.stringify(record)}\n`;
}
