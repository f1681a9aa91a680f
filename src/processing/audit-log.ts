/**
 * The audit log projection: one entry per distinct audit event, queryable by entity type, entity
 * id, user and time. An entry is keyed by the event's idempotency key, so a re-delivered event
 * adds nothing, and the log is a set: arrival order does not matter (queries sort by time).
 */
import type { AuditEvent } from '../events/index.js';

/** One audit log entry. Optional fields are absent when the event does not say. */
export interface AuditLogEntry {
  /** The event's idempotency key. */
  key: string;
  /** The audit message id (`eventBody.id`). */
  auditId?: string;
  /** From the topic name: `v2.audits.entitytype.<entityType>.entityid.<entityId>`. */
  entityType: string;
  entityId: string;
  /** `entity.name`, when given. */
  entityName?: string;
  /** Who made the change (`userId`). */
  userId?: string;
  /** `username.name` or `userDisplay`, when given. */
  userName?: string;
  /** `Create`, `Update`, `Delete`, … */
  action?: string;
  /** The Genesys service that audited the change (`Routing`, `Presence`, …). */
  serviceName?: string;
  level?: string;
  /** When, epoch ms (`eventTime`, else the event's time). */
  time: number;
  /** `propertyChanges`: property, old values, new values. */
  propertyChanges: { property?: string; oldValues?: string[]; newValues?: string[] }[];
  /** The whole audit message, as sent. */
  body: Record<string, unknown>;
}

/**
 * The log entry of an audit event.
 *
 * @example
 * auditEntryOf(event) // → { entityType: 'Queue', entityId: '7c1…', action: 'Update', userId: '…', time, propertyChanges, … }
 */
export function auditEntryOf(event: AuditEvent): AuditLogEntry {
  const b = event.body;
  const entry: AuditLogEntry = {
    key: event.key,
    entityType: event.entityType,
    entityId: event.entityId,
    time: event.time,
    propertyChanges: b.propertyChanges ?? [],
    body: b as Record<string, unknown>,
  };
  if (b.id) entry.auditId = b.id;
  if (b.entity?.name) entry.entityName = b.entity.name;
  if (b.userId) entry.userId = b.userId;
  const userName = b.username?.name || b.userDisplay;
  if (userName) entry.userName = userName;
  if (b.action) entry.action = b.action;
  if (b.serviceName) entry.serviceName = b.serviceName;
  if (b.level) entry.level = b.level;
  return entry;
}

/** A query of the audit log: every given criterion must hold. */
export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  userId?: string;
  /** Entries at or after this time (epoch ms). */
  from?: number;
  /** Entries before this time (epoch ms). */
  to?: number;
  /** At most this many, newest first. */
  limit: number;
}
