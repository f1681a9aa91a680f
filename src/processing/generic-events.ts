/**
 * The generic event store's record: every event of a topic without a typed model, kept whole and
 * findable by topic, entity id and time. Keyed by the event's idempotency key (a re-delivered
 * event adds nothing; the store is a set, queries sort by time).
 */
import type { GenericEvent } from '../events/index.js';

/** One stored generic event. */
export interface GenericEventRecord {
  key: string;
  /** The generic topic (`detail-type`). */
  topic: string;
  /** The concrete topic (`detail.topicName`). */
  topicName: string;
  /** The first `{id}` of the topic name; absent for a topic without one. */
  entityId?: string;
  /** When, epoch ms (`detail.timestamp`, else the envelope's `time`). */
  time: number;
  body: Record<string, unknown>;
}

/** The record of a generic event. */
export function genericRecordOf(event: GenericEvent): GenericEventRecord {
  return {
    key: event.key,
    topic: event.topic,
    topicName: event.topicName,
    ...(event.entityId !== undefined ? { entityId: event.entityId } : {}),
    time: event.time,
    body: event.body,
  };
}

/** A query of generic events: every given criterion must hold. */
export interface GenericEventQuery {
  topic?: string;
  entityId?: string;
  from?: number;
  to?: number;
  /** At most this many, newest first. */
  limit: number;
}
