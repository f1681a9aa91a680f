/**
 * `parseGenesysEvent`: one EventBridge entry in, a typed Genesys event or a list of precise
 * problems out. It never throws on bad input: the caller dead-letters the problems.
 */
import type { z } from 'zod';
import { eventKey } from './identity.js';
import { CONVERSATION_BODY_SCHEMAS, EnvelopeSchema, PARTNER_SOURCE_PATTERN } from './schemas.js';
import type { ConversationEventBody, GenesysEnvelope } from './schemas.js';
import { parseConversationTopicName, topicMatchesGeneric } from './topics.js';
import type { ConversationTopic } from './topics.js';

/**
 * The largest event the pipeline takes: 256 KiB, the Step Functions limit on a state's input
 * and output, which every event crosses (EventBridge and SQS have accepted up to 1 MB since
 * January 2026; Step Functions has not).
 */
export const MAX_EVENT_BYTES = 256 * 1024;

/** One thing wrong with an input, located by a JSONPath into it. */
export interface EventProblem {
  /** JSONPath of the offending value, e.g. `$.detail.eventBody.eventTime` (`$` = the whole entry). */
  path: string;
  /** What a valid event has there. */
  expected: string;
  /** What the input has there (type and a short excerpt of the value), or `missing`. */
  found: string;
  /** The problem in one sentence, including where and how to fix it. */
  message: string;
}

interface EventBase {
  /** The whole validated envelope, unknown fields included. */
  envelope: GenesysEnvelope;
  /** Concrete topic (`detail.topicName`), with real ids. */
  topicName: string;
  /** Generic topic (`detail-type`), with the literal `{id}`. */
  genericTopic: string;
  /** Organization id, from the partner event source name. */
  orgId: string;
  /** Idempotency key (see {@link eventKey}). */
  key: string;
}

/** An event of one of the 16 conversation detail topics, with its typed body. */
export type ConversationEvent<T extends ConversationTopic = ConversationTopic> = {
  [P in T]: EventBase & {
    kind: 'conversation';
    topic: P;
    conversationId: string;
    /** `eventBody.eventTime`, epoch milliseconds. */
    eventTime: number;
    body: ConversationEventBody<P>;
  };
}[T];

/** An event of any other Genesys topic: accepted and kept, flagged by `kind: 'other'`. */
export interface OtherEvent extends EventBase {
  kind: 'other';
  /** The generic topic, as for `genericTopic`. */
  topic: string;
  body: Record<string, unknown>;
}

/** A validated Genesys event. */
export type GenesysEvent = ConversationEvent | OtherEvent;

/** Result of {@link parseGenesysEvent}. */
export type ParseResult = { ok: true; event: GenesysEvent } | { ok: false; problems: EventProblem[] };

/**
 * Validates one EventBridge entry (JSON text or an already-parsed value) as a Genesys event.
 *
 * Checks, in order: size (≤ 256 KiB), JSON syntax, the envelope (partner `source`, `detail`
 * with `topicName`, `version`, `eventBody`), that `detail.topicName` is an instance of the
 * generic `detail-type`, and for conversation detail topics the typed `eventBody` (and that its
 * `conversationId` is the id in the topic name).
 *
 * @example
 * const result = parseGenesysEvent(line);
 * if (result.ok) handle(result.event);
 * else deadLetter(line, result.problems);
 */
export function parseGenesysEvent(input: string | object): ParseResult {
  let value: unknown = input;
  let bytes: number;
  if (typeof input === 'string') {
    bytes = Buffer.byteLength(input, 'utf8');
    if (bytes > MAX_EVENT_BYTES) return fail(oversized(bytes));
    try {
      value = JSON.parse(input);
    } catch (error) {
      return fail({
        path: '$',
        expected: 'a JSON object (one EventBridge event)',
        found: input.trim() === '' ? 'empty text' : `invalid JSON (${(error as Error).message})`,
        message: `The entry is not valid JSON: ${(error as Error).message}. Send one complete JSON object per entry (NDJSON: one per line).`,
      });
    }
  } else {
    let text: string | undefined;
    try {
      text = JSON.stringify(input);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      return fail({ path: '$', expected: 'a JSON-serializable object', found: describe(input), message: 'The entry cannot be serialized as JSON.' });
    }
    bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_EVENT_BYTES) return fail(oversized(bytes));
  }

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail({ path: '$', expected: 'a JSON object (one EventBridge event)', found: describe(value), message: `The entry must be a JSON object, found ${describe(value)}.` });
  }

  const envelope = EnvelopeSchema.safeParse(value, { reportInput: true });
  if (!envelope.success) return fail(...envelope.error.issues.map((issue) => toProblem(issue, [])));
  const event = envelope.data;
  const genericTopic = event['detail-type'];
  const { topicName } = event.detail;
  const orgId = PARTNER_SOURCE_PATTERN.exec(event.source)![1]!;

  if (!/^v2\.[A-Za-z0-9_{}.-]+$/.test(genericTopic) || !genericTopic.includes('{id}')) {
    return fail({
      path: '$["detail-type"]',
      expected: 'a generic Genesys topic name such as "v2.detail.events.conversation.{id}.customer.start"',
      found: describe(genericTopic),
      message: `"detail-type" is not a Genesys topic name. Genesys sets it to the generic topic (with the literal {id}); rules must match those names, not "${genericTopic}".`,
    });
  }
  if (!topicMatchesGeneric(topicName, genericTopic)) {
    return fail({
      path: '$.detail.topicName',
      expected: `a concrete instance of "${genericTopic}" (each {id} replaced by one id)`,
      found: describe(topicName),
      message: `detail.topicName "${topicName}" does not belong to detail-type "${genericTopic}".`,
    });
  }

  const conversation = parseConversationTopicName(genericTopic);
  if (!conversation) {
    const body = event.detail.eventBody;
    return { ok: true, event: { kind: 'other', topic: genericTopic, genericTopic, topicName, orgId, envelope: event, body, key: eventKey(topicName, body) } };
  }

  const { topic } = conversation;
  const conversationIdInTopic = parseConversationTopicName(topicName)!.id;
  const parsedBody = CONVERSATION_BODY_SCHEMAS[topic].safeParse(event.detail.eventBody, { reportInput: true });
  if (!parsedBody.success) return fail(...parsedBody.error.issues.map((issue) => toProblem(issue, ['detail', 'eventBody'])));
  const body = parsedBody.data as ConversationEventBody;
  if (body.conversationId !== conversationIdInTopic) {
    return fail({
      path: '$.detail.eventBody.conversationId',
      expected: `"${conversationIdInTopic}" (the id in detail.topicName)`,
      found: describe(body.conversationId),
      message: `eventBody.conversationId "${body.conversationId}" differs from the conversation id "${conversationIdInTopic}" in detail.topicName.`,
    });
  }
  const key = eventKey(topicName, event.detail.eventBody);
  return {
    ok: true,
    event: { kind: 'conversation', topic, genericTopic, topicName, orgId, envelope: event, conversationId: body.conversationId, eventTime: body.eventTime, body, key } as ConversationEvent,
  };
}

/** Formats problems as one line each: `path: message`. */
export function formatProblems(problems: readonly EventProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('\n');
}

function fail(...problems: EventProblem[]): ParseResult {
  return { ok: false, problems };
}

function oversized(bytes: number): EventProblem {
  return {
    path: '$',
    expected: `at most ${MAX_EVENT_BYTES} bytes (256 KiB, the Step Functions payload limit)`,
    found: `${bytes} bytes`,
    message: `The entry is ${bytes} bytes, over the 256 KiB that a Step Functions state can carry, so the pipeline cannot process it; it is kept in the dead-letter store.`,
  };
}

/** JSONPath for a zod issue path below `prefix`. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(String(segment))}]`;
  }
  return path;
}

function toProblem(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): EventProblem {
  const path = jsonPath([...prefix, ...issue.path]);
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  const found = missing ? 'missing' : describe(issue.input);
  let expected: string;
  switch (issue.code) {
    case 'invalid_type':
      expected = issue.expected === 'int' ? 'an integer' : article(issue.expected);
      break;
    case 'invalid_format':
      expected = issue.format === 'regex' ? issue.message : `an ${issue.format === 'datetime' ? 'ISO 8601 date-time (e.g. 2026-01-01T12:00:00Z)' : issue.format} string`;
      break;
    case 'too_small':
      expected = issue.origin === 'string' ? 'a non-empty string' : `a value ≥ ${String(issue.minimum)}`;
      break;
    case 'too_big':
      expected = `a value ≤ ${String(issue.maximum)}`;
      break;
    default:
      expected = issue.message;
  }
  const message = missing ? `${path} is required (${expected}) but missing.` : `${path} must be ${expected}, found ${found}.`;
  return { path, expected, found, message };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `string "abc"`, `number 42`, `array (3 items)`, `object`, `null`, … — short, never the whole value. */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array (${value.length} items)`;
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'object';
    default:
      return typeof value;
  }
}
