/**
 * `parseGenesysEvent`: one EventBridge entry in, a typed Genesys event or a list of precise
 * problems out. It never throws on bad input: the caller dead-letters the problems.
 */
import type { z } from 'zod';
import { describeValue } from '../shared/index.js';
import { compileSchema, UNDECIDED } from './compiled-schema.js';
import { UnsupportedSchemaError } from './errors.js';
import type { CompileOptions, CompiledSchema } from './compiled-schema.js';
import { canonicalJson, eventKey, eventKeyOfCanonicalBody } from './identity.js';
import { FAMILY_BODY_SCHEMAS } from './family-schemas.js';
import type {
  AuditBody,
  FamilyKind,
  TranscriptionBody,
  UserActivityBody,
  UserPresenceBody,
  UserRoutingStatusBody,
} from './family-schemas.js';
import { CONVERSATION_BODY_SCHEMAS, EnvelopeSchema, PARTNER_SOURCE_PATTERN } from './schemas.js';
import type { ConversationEventBody, GenesysEnvelope } from './schemas.js';
import {
  AUDIT_TOPIC,
  CONVERSATION_TOPIC_PREFIX,
  CONVERSATION_TOPICS,
  isGenericTopicName,
  kindOfTopic,
  typedTopicInstanceOf,
  parseConversationTopicName,
  topicIds,
  topicMatchesGeneric,
  TRANSCRIPTION_TOPIC,
  USER_ACTIVITY_TOPIC,
  USER_PRESENCE_TOPIC,
  USER_ROUTING_STATUS_TOPIC,
} from './topics.js';
import type { ConversationTopic, EventKind } from './topics.js';

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
  /**
   * When it happened, epoch ms: the body's own time — `eventTime` (conversation detail events,
   * audits, transcription), `modifiedDate` (presence), `routingStatus.startTime` (routing status),
   * the later of both (activity) — or, when the body has none that reads as a date,
   * `detail.timestamp`, else the envelope's `time`.
   */
  time: number;
}

/** An event of one of the 16 conversation detail topics, with its typed body. */
export type ConversationEvent<T extends ConversationTopic = ConversationTopic> = {
  [P in T]: EventBase & {
    kind: 'conversation';
    topic: P;
    conversationId: string;
    /** `eventBody.eventTime`, epoch milliseconds (also `time`). */
    eventTime: number;
    body: ConversationEventBody<P>;
  };
}[T];

/** `v2.users.{id}.presence`: a user's presence changed. */
export interface UserPresenceEvent extends EventBase {
  kind: 'user-presence';
  topic: typeof USER_PRESENCE_TOPIC;
  /** The user (the id in the topic name). */
  userId: string;
  body: UserPresenceBody;
}

/** `v2.users.{id}.routingStatus`: a user's routing status changed. */
export interface UserRoutingStatusEvent extends EventBase {
  kind: 'user-routing-status';
  topic: typeof USER_ROUTING_STATUS_TOPIC;
  /** The user (the id in the topic name). */
  userId: string;
  body: UserRoutingStatusBody;
}

/** `v2.users.{id}.activity`: a user's routing status, presence, out of office and queues. */
export interface UserActivityEvent extends EventBase {
  kind: 'user-activity';
  topic: typeof USER_ACTIVITY_TOPIC;
  /** The user (the id in the topic name). */
  userId: string;
  body: UserActivityBody;
}

/** `v2.audits.entitytype.{id}.entityid.{id}`: one audit log entry. */
export interface AuditEvent extends EventBase {
  kind: 'audit';
  topic: typeof AUDIT_TOPIC;
  /** The entity type in the topic name (e.g. `Queue`, `UserPresence`). */
  entityType: string;
  /** The entity id in the topic name. */
  entityId: string;
  body: AuditBody;
}

/** `v2.conversations.{id}.transcription`: utterances of a conversation. */
export interface TranscriptionEvent extends EventBase {
  kind: 'transcription';
  topic: typeof TRANSCRIPTION_TOPIC;
  /** The conversation (the id in the topic name). */
  conversationId: string;
  body: TranscriptionBody;
}

/**
 * An event of any topic without a typed model (`v2.operations.events.{id}`,
 * `v2.quality.evaluations`, …): the envelope validated, the body any JSON object.
 */
export interface GenericEvent extends EventBase {
  kind: 'generic';
  /** The generic topic, as for `genericTopic`. */
  topic: string;
  /** The values of the topic's `{id}` segments, in order (empty for a topic without `{id}`). */
  ids: string[];
  /** The entity the event is about: the first id of the topic name; absent for a topic without `{id}`. */
  entityId?: string;
  body: Record<string, unknown>;
}

/** @deprecated renamed {@link GenericEvent} (`kind: 'generic'`). */
export type OtherEvent = GenericEvent;

/** The events of the agent-state families (presence, routing status, activity). */
export type AgentStateEvent = UserPresenceEvent | UserRoutingStatusEvent | UserActivityEvent;

/** A validated Genesys event; `kind` tells its family and the type of its body. */
export type GenesysEvent = ConversationEvent | AgentStateEvent | AuditEvent | TranscriptionEvent | GenericEvent;

/** The event type of each kind. */
export type GenesysEventOfKind<K extends EventKind> = Extract<GenesysEvent, { kind: K }>;

/** Result of {@link parseGenesysEvent}. */
export type ParseResult = { ok: true; event: GenesysEvent } | { ok: false; problems: EventProblem[] };

/**
 * Validates one EventBridge entry (JSON text or an already-parsed value) as a Genesys event.
 *
 * Checks, in order: size (≤ 256 KiB), JSON syntax, the envelope (partner `source`, `detail`
 * with `topicName`, `version`, `eventBody`), that `detail.topicName` is an instance of the
 * generic `detail-type`, and for the typed families the `eventBody` (conversation detail topics:
 * also that its `conversationId` is the id in the topic name; transcription: the same when the
 * body names one). Any other topic is a generic event (`kind: 'generic'`).
 *
 * The zod schemas (`EnvelopeSchema`, `CONVERSATION_BODY_SCHEMAS`, `FAMILY_BODY_SCHEMAS`) define
 * what is valid. A valid
 * event is recognized by functions compiled from those schemas (see `compiled-schema.ts`),
 * which build exactly zod's output several times faster; anything they do not accept goes
 * through zod itself, which gives the problems.
 *
 * @example
 * const result = parseGenesysEvent(line);
 * if (result.ok) handle(result.event);
 * else deadLetter(line, result.problems);
 */
export function parseGenesysEvent(input: string | object): ParseResult {
  return guarded(() => parseInput(input));
}

/**
 * {@link parseGenesysEvent} for JSON text, also returning the JSON value it parsed, for a caller
 * that passes the event on as JSON (the validator): one `JSON.parse` instead of two.
 *
 * `value` is `JSON.parse(text)` untouched (`undefined` when the text is too large or not JSON).
 * `result.event` is built from it: its envelope and body are new objects and arrays down to the
 * fields the schemas declare, while values of undeclared fields (and of any `eventBody` of an
 * "other" topic) are the same objects in both — as zod shares them with its input.
 *
 * @example
 * const { result, value } = parseGenesysEventText(record.body);
 * if (result.ok) forward(value, result.event);
 */
export function parseGenesysEventText(text: string): { result: ParseResult; value: unknown } {
  const parsed: { result: ParseResult; value: unknown } = {
    result: undefined as unknown as ParseResult,
    value: undefined,
  };
  parsed.result = guarded(() => parseInput(text, parsed));
  return parsed;
}

/**
 * Runs a parse, turning a stack overflow into a problem: JSON nested a few thousand levels deep
 * fits in 256 KiB but overflows the recursive checks (and `JSON.stringify`). It is a bad event
 * like any other — dead-lettered with its reason — never an exception that fails its whole batch.
 */
function guarded(parse: () => ParseResult): ParseResult {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return fail({
      path: '$',
      expected: 'a Genesys event (JSON nested a few levels deep)',
      found: 'JSON nested too deeply to check',
      message: `The entry is nested too deeply to be checked (${error.message}); Genesys events are a few levels deep. It is kept in the dead-letter store.`,
    });
  }
}

/** What a schema found wrong with a value. */
class Invalid {
  constructor(readonly problems: EventProblem[]) {}
}

function zodCheck<T>(schema: z.ZodType<T>, value: unknown, prefix: readonly PropertyKey[]): T | Invalid {
  const parsed = schema.safeParse(value, { reportInput: true });
  return parsed.success ? parsed.data : new Invalid(parsed.error.issues.map((issue) => toProblem(issue, prefix)));
}

/** A schema compiled for the fast path, or `undefined` (then zod alone) if it uses a feature the compiler does not reproduce. */
function compiled<T>(schema: z.ZodType<T>, options?: CompileOptions): CompiledSchema<T> | undefined {
  try {
    return compileSchema(schema, options) as CompiledSchema<T>;
  } catch (error) {
    if (error instanceof UnsupportedSchemaError) return undefined;
    throw error;
  }
}

const fastEnvelope = compiled(EnvelopeSchema);
// The key is over the canonical JSON of the body: the bodies' JSON parsers write it on the way.
const fastBodies = new Map(
  CONVERSATION_TOPICS.map((topic) => [
    topic,
    compiled<ConversationEventBody>(CONVERSATION_BODY_SCHEMAS[topic], { canonicalJson }),
  ]),
);
const fastFamilyBodies = new Map(
  (Object.keys(FAMILY_BODY_SCHEMAS) as FamilyKind[]).map((kind) => [
    kind,
    compiled<Record<string, unknown>>(FAMILY_BODY_SCHEMAS[kind] as z.ZodType<Record<string, unknown>>, {
      canonicalJson,
    }),
  ]),
);

/** The validated envelope: compiled first, zod when that cannot vouch for it. `json`: the value is plain JSON data. */
function checkEnvelope(value: object, json: boolean): GenesysEnvelope | Invalid {
  const data = fastEnvelope ? (json ? fastEnvelope.parseJson(value) : fastEnvelope.parse(value)) : UNDECIDED;
  return data !== UNDECIDED ? data : zodCheck(EnvelopeSchema, value, []);
}

/** The validated body, and its canonical JSON when the compiled parser wrote it on the way (JSON data). */
function checkBody(
  topic: ConversationTopic,
  value: unknown,
  json: boolean,
): { value: ConversationEventBody; canonical?: string } | Invalid {
  return checkWith(fastBodies.get(topic), CONVERSATION_BODY_SCHEMAS[topic], value, json);
}

/** {@link checkBody} for the body of a typed family other than conversation. */
function checkFamilyBody(
  kind: FamilyKind,
  value: unknown,
  json: boolean,
): { value: Record<string, unknown>; canonical?: string } | Invalid {
  const schema = FAMILY_BODY_SCHEMAS[kind] as z.ZodType<Record<string, unknown>>;
  return checkWith(fastFamilyBodies.get(kind), schema, value, json);
}

/** A body checked by its compiled parser first (`fast`), by zod when that cannot vouch for it. */
function checkWith<T>(
  fast: CompiledSchema<T> | undefined,
  schema: z.ZodType<T>,
  value: unknown,
  json: boolean,
): { value: T; canonical?: string } | Invalid {
  if (fast && json) {
    const parsed = fast.parseJsonCanonical!(value);
    if (parsed !== UNDECIDED) return parsed;
  } else if (fast) {
    const data = fast.parse(value);
    if (data !== UNDECIDED) return { value: data };
  }
  const body = zodCheck(schema, value, ['detail', 'eventBody']) as T | Invalid;
  return body instanceof Invalid ? body : { value: body };
}

/** Parses `input`; the JSON value parsed from text is also put in `parsed.value` when asked. */
function parseInput(input: string | object, parsed?: { value: unknown }): ParseResult {
  let value: unknown = input;
  if (typeof input === 'string') {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: short text needs no count.
    if (input.length > MAX_EVENT_BYTES / 3) {
      const bytes = Buffer.byteLength(input, 'utf8');
      if (bytes > MAX_EVENT_BYTES) return fail(oversized(bytes));
    }
    try {
      value = JSON.parse(input);
    } catch (error) {
      return fail(notJson(input, error));
    }
    if (parsed) parsed.value = value;
  } else {
    const problem = unserializable(input);
    if (problem) return fail(problem);
  }
  return parseValue(value, typeof input === 'string');
}

function parseValue(value: unknown, json: boolean): ParseResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(notAnObject(value));

  const event = checkEnvelope(value, json);
  if (event instanceof Invalid) return fail(...event.problems);
  const genericTopic = event['detail-type'];
  const { topicName } = event.detail;
  const orgId = orgIdOf(event.source);
  const generic = genericTopicInfo(genericTopic);

  if (!generic.valid) return fail(notATopic(genericTopic));
  if (!topicMatchesGeneric(topicName, genericTopic)) return fail(notAnInstance(topicName, genericTopic));

  const topic = generic.conversationTopic;
  if (topic === undefined) {
    if (generic.kind === 'generic') {
      const body = event.detail.eventBody;
      const origin = { envelope: event, topicName, genericTopic, orgId, key: eventKey(topicName, body) };
      return { ok: true, event: genericEvent(origin, body) };
    }
    const kind = generic.kind as FamilyKind;
    const checked = checkFamilyBody(kind, event.detail.eventBody, json);
    if (checked instanceof Invalid) return fail(...checked.problems);
    const key =
      checked.canonical !== undefined
        ? eventKeyOfCanonicalBody(topicName, checked.canonical)
        : eventKey(topicName, event.detail.eventBody);
    return familyEvent(kind, { envelope: event, topicName, genericTopic, orgId, key }, checked.value);
  }

  // topicName matched `v2.detail.events.conversation.{id}.<topic>` segment by segment, so it is
  // exactly `v2.detail.events.conversation.<id>.<topic>` with an id free of dots.
  const conversationIdInTopic = topicName.slice(CONVERSATION_TOPIC_PREFIX.length, topicName.length - topic.length - 1);
  // The envelope's eventBody is built from the input's: JSON data when the input is.
  const checked = checkBody(topic, event.detail.eventBody, json);
  if (checked instanceof Invalid) return fail(...checked.problems);
  const body = checked.value;
  if (body.conversationId !== conversationIdInTopic)
    return fail(otherConversation(body.conversationId, conversationIdInTopic));
  // `canonical`, when there, is canonicalJson(event.detail.eventBody): the same key either way.
  const key =
    checked.canonical !== undefined
      ? eventKeyOfCanonicalBody(topicName, checked.canonical)
      : eventKey(topicName, event.detail.eventBody);
  return {
    ok: true,
    event: {
      kind: 'conversation',
      topic,
      genericTopic,
      topicName,
      orgId,
      envelope: event,
      conversationId: body.conversationId,
      eventTime: body.eventTime,
      time: body.eventTime,
      body,
      key,
    } as ConversationEvent,
  };
}

/** Where an event of a family other than conversation came from: its envelope, topic names, org and key. */
interface EventOrigin {
  readonly envelope: GenesysEnvelope;
  readonly topicName: string;
  readonly genericTopic: string;
  readonly orgId: string;
  readonly key: string;
}

/** A generic event: the topic's ids, the first as the entity. */
function genericEvent(origin: EventOrigin, body: Record<string, unknown>): GenericEvent {
  const { envelope, topicName, genericTopic, orgId, key } = origin;
  const ids = topicIds(topicName, genericTopic);
  return {
    kind: 'generic',
    topic: genericTopic,
    genericTopic,
    topicName,
    orgId,
    envelope,
    ids,
    ...(ids.length > 0 ? { entityId: ids[0]! } : {}),
    time: fallbackTime(envelope),
    body,
    key,
  };
}

/** The event of a typed family other than conversation, from its validated body (or the body's problem). */
function familyEvent(kind: FamilyKind, origin: EventOrigin, body: Record<string, unknown>): ParseResult {
  const { envelope, topicName, genericTopic, orgId, key } = origin;
  const ids = topicIds(topicName, genericTopic);
  const base = { genericTopic, topicName, orgId, envelope, key };
  switch (kind) {
    case 'user-presence': {
      const b = body as UserPresenceBody;
      const time = dateMs(b.modifiedDate) ?? fallbackTime(envelope);
      return ok({ ...base, kind, topic: USER_PRESENCE_TOPIC, userId: ids[0]!, time, body: b });
    }
    case 'user-routing-status': {
      const b = body as UserRoutingStatusBody;
      const time = dateMs(b.routingStatus.startTime) ?? fallbackTime(envelope);
      return ok({ ...base, kind, topic: USER_ROUTING_STATUS_TOPIC, userId: ids[0]!, time, body: b });
    }
    case 'user-activity': {
      const b = body as UserActivityBody;
      const routing = dateMs(b.routingStatus?.startTime);
      const presence = dateMs(b.presence?.modifiedDate);
      const time =
        routing === undefined ? (presence ?? fallbackTime(envelope)) : Math.max(routing, presence ?? routing);
      return ok({ ...base, kind, topic: USER_ACTIVITY_TOPIC, userId: ids[0]!, time, body: b });
    }
    case 'audit': {
      const b = body as AuditBody;
      const time = dateMs(b.eventTime) ?? fallbackTime(envelope);
      return ok({ ...base, kind, topic: AUDIT_TOPIC, entityType: ids[0]!, entityId: ids[1]!, time, body: b });
    }
    case 'transcription': {
      const b = body as TranscriptionBody;
      const conversationId = ids[0]!;
      if (b.conversationId !== undefined && b.conversationId !== conversationId)
        return fail(otherConversation(b.conversationId, conversationId));
      const time = dateMs(b.eventTime) ?? fallbackTime(envelope);
      return ok({ ...base, kind, topic: TRANSCRIPTION_TOPIC, conversationId, time, body: b });
    }
  }
}

function ok(event: GenesysEvent): ParseResult {
  return { ok: true, event };
}

/** Epoch ms of a date string, or `undefined` when absent or unreadable. */
function dateMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `detail.timestamp` (when present: when Genesys published the event), else the envelope's `time`; both validated ISO 8601. */
function fallbackTime(envelope: GenesysEnvelope): number {
  return dateMs(envelope.detail.timestamp) ?? Date.parse(envelope.time);
}

/**
 * {@link parseGenesysEvent} as it was first written, with zod alone and none of the shortcuts
 * above (compiled schemas, remembered topics and org ids, the key written during the parse):
 * the reference `test/events/parse.differential.test.ts` holds the fast path to.
 *
 * @internal
 */
export function parseGenesysEventWithZod(input: string | object): ParseResult {
  let value: unknown = input;
  if (typeof input === 'string') {
    const bytes = Buffer.byteLength(input, 'utf8');
    if (bytes > MAX_EVENT_BYTES) return fail(oversized(bytes));
    try {
      value = JSON.parse(input);
    } catch (error) {
      return fail(notJson(input, error));
    }
  } else {
    const problem = unserializable(input);
    if (problem) return fail(problem);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(notAnObject(value));

  const envelope = EnvelopeSchema.safeParse(value, { reportInput: true });
  if (!envelope.success) return fail(...envelope.error.issues.map((issue) => toProblem(issue, [])));
  const event = envelope.data;
  const genericTopic = event['detail-type'];
  const { topicName } = event.detail;
  const orgId = PARTNER_SOURCE_PATTERN.exec(event.source)![1]!;
  const info = describeGenericTopic(genericTopic);
  if (!info.valid) return fail(notATopic(genericTopic));
  if (!topicMatchesGeneric(topicName, genericTopic)) return fail(notAnInstance(topicName, genericTopic));

  const conversation = info.kind === 'conversation' ? parseConversationTopicName(genericTopic) : undefined;
  if (!conversation) {
    if (info.kind === 'generic') {
      const body = event.detail.eventBody;
      const origin = { envelope: event, topicName, genericTopic, orgId, key: eventKey(topicName, body) };
      return { ok: true, event: genericEvent(origin, body) };
    }
    const kind = info.kind as FamilyKind;
    const parsedBody = (FAMILY_BODY_SCHEMAS[kind] as z.ZodType<Record<string, unknown>>).safeParse(
      event.detail.eventBody,
      { reportInput: true },
    );
    if (!parsedBody.success)
      return fail(...parsedBody.error.issues.map((issue) => toProblem(issue, ['detail', 'eventBody'])));
    const key = eventKey(topicName, event.detail.eventBody);
    return familyEvent(kind, { envelope: event, topicName, genericTopic, orgId, key }, parsedBody.data);
  }
  const { topic } = conversation;
  const conversationIdInTopic = parseConversationTopicName(topicName)!.id;
  const parsedBody = CONVERSATION_BODY_SCHEMAS[topic].safeParse(event.detail.eventBody, { reportInput: true });
  if (!parsedBody.success)
    return fail(...parsedBody.error.issues.map((issue) => toProblem(issue, ['detail', 'eventBody'])));
  const body = parsedBody.data as ConversationEventBody;
  if (body.conversationId !== conversationIdInTopic)
    return fail(otherConversation(body.conversationId, conversationIdInTopic));
  const key = eventKey(topicName, event.detail.eventBody);
  return {
    ok: true,
    event: {
      kind: 'conversation',
      topic,
      genericTopic,
      topicName,
      orgId,
      envelope: event,
      conversationId: body.conversationId,
      eventTime: body.eventTime,
      time: body.eventTime,
      body,
      key,
    } as ConversationEvent,
  };
}

function notJson(text: string, error: unknown): EventProblem {
  return {
    path: '$',
    expected: 'a JSON object (one EventBridge event)',
    found: text.trim() === '' ? 'empty text' : `invalid JSON (${(error as Error).message})`,
    message: `The entry is not valid JSON: ${(error as Error).message}. Send one complete JSON object per entry (NDJSON: one per line).`,
  };
}

/** The problem with an object input that cannot be JSON or is over the size limit, if any. */
function unserializable(input: object): EventProblem | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch {
    text = undefined;
  }
  if (text === undefined)
    return {
      path: '$',
      expected: 'a JSON-serializable object',
      found: describeValue(input),
      message: 'The entry cannot be serialized as JSON.',
    };
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > MAX_EVENT_BYTES ? oversized(bytes) : undefined;
}

function notAnObject(value: unknown): EventProblem {
  return {
    path: '$',
    expected: 'a JSON object (one EventBridge event)',
    found: describeValue(value),
    message: `The entry must be a JSON object, found ${describeValue(value)}.`,
  };
}

function notATopic(genericTopic: string): EventProblem {
  const instanceOf = typedTopicInstanceOf(genericTopic);
  return {
    path: '$["detail-type"]',
    expected: instanceOf
      ? `the generic topic name "${instanceOf}" (the literal {id})`
      : 'a generic Genesys topic name such as "v2.detail.events.conversation.{id}.customer.start" or "v2.users.{id}.presence" ("v2", then segments of letters, digits, "_", "-" or {id})',
    found: describeValue(genericTopic),
    message: instanceOf
      ? `"detail-type" "${genericTopic}" names particular entities; Genesys sets it to the generic topic "${instanceOf}" (the real ids are in detail.topicName).`
      : `"detail-type" is not a Genesys topic name. Genesys sets it to the generic topic (with the literal {id} where the topic names an entity); rules must match those names, not "${genericTopic}".`,
  };
}

function notAnInstance(topicName: string, genericTopic: string): EventProblem {
  return {
    path: '$.detail.topicName',
    expected: `a concrete instance of "${genericTopic}" (each {id} replaced by one id)`,
    found: describeValue(topicName),
    message: `detail.topicName "${topicName}" does not belong to detail-type "${genericTopic}".`,
  };
}

function otherConversation(conversationId: string, conversationIdInTopic: string): EventProblem {
  return {
    path: '$.detail.eventBody.conversationId',
    expected: `"${conversationIdInTopic}" (the id in detail.topicName)`,
    found: describeValue(conversationId),
    message: `eventBody.conversationId "${conversationId}" differs from the conversation id "${conversationIdInTopic}" in detail.topicName.`,
  };
}

/** What a `detail-type` is: a generic topic name or not, its kind, and which conversation topic. */
interface GenericTopicInfo {
  valid: boolean;
  kind: EventKind;
  conversationTopic: ConversationTopic | undefined;
}

const genericTopics = new Map<string, GenericTopicInfo>();
/** At most this many names, each of at most 256 characters, are remembered (they come from input). */
const GENERIC_TOPICS_CACHED = 1_024;

/** {@link GenericTopicInfo} of a `detail-type`, remembered: a pipeline sees a few dozen topics. */
function genericTopicInfo(genericTopic: string): GenericTopicInfo {
  let info = genericTopics.get(genericTopic);
  if (info === undefined) {
    info = describeGenericTopic(genericTopic);
    if (genericTopics.size < GENERIC_TOPICS_CACHED && genericTopic.length <= 256) genericTopics.set(genericTopic, info);
  }
  return info;
}

/**
 * A `detail-type` is valid when it is a well-formed generic topic name that is not a concrete
 * instance of a modelled topic (e.g. `v2.users.7c1….presence`: Genesys puts the literal `{id}`).
 */
function describeGenericTopic(genericTopic: string): GenericTopicInfo {
  const kind = kindOfTopic(genericTopic);
  return {
    valid: isGenericTopicName(genericTopic) && typedTopicInstanceOf(genericTopic) === undefined,
    kind,
    conversationTopic: kind === 'conversation' ? parseConversationTopicName(genericTopic)?.topic : undefined,
  };
}

let lastSource: string | undefined;
let lastOrgId = '';

/** The org id in a (validated) partner event source; the last one is remembered, as events of one org share it. */
function orgIdOf(source: string): string {
  if (source !== lastSource) {
    lastOrgId = PARTNER_SOURCE_PATTERN.exec(source)![1]!;
    lastSource = source;
  }
  return lastOrgId;
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
function jsonPath(segments: readonly PropertyKey[]): string {
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
  const found = missing ? 'missing' : describeValue(issue.input);
  let expected: string;
  switch (issue.code) {
    case 'invalid_type':
      expected = issue.expected === 'int' ? 'an integer' : article(issue.expected);
      break;
    case 'invalid_format':
      expected =
        issue.format === 'regex'
          ? issue.message
          : `an ${issue.format === 'datetime' ? 'ISO 8601 date-time (e.g. 2026-01-01T12:00:00Z)' : issue.format} string`;
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
  const message = missing
    ? `${path} is required (${expected}) but missing.`
    : `${path} must be ${expected}, found ${found}.`;
  return { path, expected, found, message };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
