/**
 * Broken deliveries, derived from a clean event line: the malformed lines a pipeline meets in
 * practice (each one rejected by `parseGenesysEvent`) and oversized events (> 256 KiB: more than
 * the pipeline takes per event, the Step Functions payload limit; `parseGenesysEvent` rejects them).
 */
import {
  CONVERSATION_TOPICS,
  MAX_EVENT_BYTES,
  genericConversationTopic,
  parseConversationTopicName,
} from '../events/index.js';
import type { Prng } from './prng.js';

/** The kinds of malformed line the simulator produces. */
export const MALFORMED_KINDS = [
  /** The line is cut short (a partial write or a truncated log capture). */
  'truncated-json',
  /** The envelope has no `detail`. */
  'missing-detail',
  /** `detail` was JSON-encoded twice: a string holding the JSON object. */
  'detail-as-string',
  /** `eventBody.eventTime` is an ISO string instead of epoch milliseconds. */
  'event-time-as-string',
  /** `eventBody.conversationId` is missing. */
  'missing-conversation-id',
  /** The original tutorial's imagined event: `source: "genesys.cloud"`, `detail-type: "Conversation Updated"`. */
  'tutorial-shape',
  /** `detail-type` names a different topic than `detail.topicName`. */
  'topic-mismatch',
  /** `eventBody.conversationId` differs from the id in `detail.topicName`. */
  'conversation-id-mismatch',
  /** The event wrapped in a JSON array (a batch written as one line). */
  'batch-array',
] as const;

/** One kind of malformed line. */
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

interface EnvelopeShape {
  id: string;
  'detail-type': string;
  source: string;
  time: string;
  detail: {
    topicName: string;
    eventBody: Record<string, unknown>;
    metadata?: { CorrelationId?: string };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * A malformed line derived from a clean envelope line: a new delivery (new envelope `id` and
 * `time`) of the event, broken in the way `kind` names.
 *
 * @example
 * malformedVariant(cleanLine, 'missing-detail', rng, { id: rng.uuid(), time: '2026-01-01T12:00:05Z' })
 */
export function malformedVariant(
  cleanLine: string,
  kind: MalformedKind,
  rng: Prng,
  delivery: { id: string; time: string },
): string {
  const event = JSON.parse(cleanLine) as EnvelopeShape;
  event.id = delivery.id;
  event.time = delivery.time;
  const body = event.detail.eventBody;
  switch (kind) {
    case 'truncated-json': {
      const text = JSON.stringify(event);
      // Any proper prefix of a JSON object is invalid JSON (the closing brace is missing).
      return text.slice(0, Math.max(1, Math.floor(text.length * (0.15 + 0.8 * rng.float()))));
    }
    case 'missing-detail': {
      const { detail: _detail, ...rest } = event;
      return JSON.stringify(rest);
    }
    case 'detail-as-string':
      return JSON.stringify({ ...event, detail: JSON.stringify(event.detail) });
    case 'event-time-as-string':
      body.eventTime = new Date(body.eventTime as number).toISOString();
      return JSON.stringify(event);
    case 'missing-conversation-id':
      delete body.conversationId;
      return JSON.stringify(event);
    case 'tutorial-shape': {
      const { detail, ...rest } = event;
      return JSON.stringify({
        ...rest,
        'detail-type': 'Conversation Updated',
        source: 'genesys.cloud',
        detail: { interactionId: body.conversationId, ...detail },
      });
    }
    case 'topic-mismatch': {
      const own = parseConversationTopicName(event.detail.topicName)?.topic;
      const others = CONVERSATION_TOPICS.filter((t) => t !== own);
      event['detail-type'] = genericConversationTopic(rng.pick(others));
      return JSON.stringify(event);
    }
    case 'conversation-id-mismatch':
      body.conversationId = rng.uuid();
      return JSON.stringify(event);
    case 'batch-array':
      return JSON.stringify([event]);
  }
}

/**
 * An oversized event of the same conversation: an `attributes` event whose participant data
 * (say, a chat transcript copied into attributes by a flow) makes it larger than the 256 KiB the
 * pipeline takes per event: between 270 and 400 KB.
 */
export function oversizedVariant(
  cleanLine: string,
  rng: Prng,
  delivery: { id: string; time: string; correlationId: string },
): string {
  const event = JSON.parse(cleanLine) as EnvelopeShape;
  const conversationId = String(event.detail.eventBody.conversationId);
  const target = rng.between(MAX_EVENT_BYTES + 8 * 1024, 400_000);
  const attributes: Record<string, string> = { Intent: 'Technical Support', TranscriptLines: '0' };
  const sentence =
    'Customer: my router keeps dropping the connection every few minutes since the update. Agent: I am sorry to hear that, let me check the line diagnostics and the firmware version for you. ';
  let bytes = cleanLine.length;
  let n = 0;
  while (bytes < target) {
    n += 1;
    const key = `Transcript.Line.${String(n).padStart(5, '0')}`;
    const value = `[${n}] ${sentence}`;
    attributes[key] = value;
    bytes += key.length + value.length + 6;
  }
  attributes.TranscriptLines = String(n);
  event.id = delivery.id;
  event.time = delivery.time;
  event['detail-type'] = genericConversationTopic('attributes');
  event.detail = {
    ...event.detail,
    topicName: `v2.detail.events.conversation.${conversationId}.attributes`,
    eventBody: {
      eventTime: event.detail.eventBody.eventTime,
      conversationId,
      participantId: event.detail.eventBody.participantId,
      attributes,
    },
    metadata: { CorrelationId: delivery.correlationId },
  };
  return JSON.stringify(event);
}
