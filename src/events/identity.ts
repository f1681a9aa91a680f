/**
 * Event identity: the idempotency key of one Genesys event.
 *
 * Genesys delivers at least once and re-sends with a new envelope `id` and `time`, so neither
 * identifies an event. Nor does the conversation id: one conversation produces dozens of
 * events. The key is SHA-256 over the concrete topic name and the canonical JSON of the event
 * body — equal for a re-sent event, different for every distinct event of a conversation.
 */
import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted (recursively) and no insignificant whitespace, so that equal
 * values always serialize to equal text. Numbers and strings use `JSON.stringify`'s forms (as
 * RFC 8785 does); `undefined` members are omitted as `JSON.stringify` omits them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * The idempotency key of an event: lowercase hex SHA-256 of `topicName`, a newline, and the
 * canonical JSON of `eventBody`.
 *
 * @example
 * eventKey('v2.detail.events.conversation.c1.acd.end', { conversationId: 'c1', eventTime: 1 })
 * // same result for { eventTime: 1, conversationId: 'c1' }
 */
export function eventKey(topicName: string, eventBody: unknown): string {
  return createHash('sha256').update(topicName).update('\n').update(canonicalJson(eventBody)).digest('hex');
}
