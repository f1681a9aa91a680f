/**
 * The Genesys Cloud notification topic catalogue.
 *
 * Genesys delivers every event to EventBridge with the *generic* topic (the literal `{id}` in
 * place of each id) in `detail-type`, and the *concrete* topic (the real ids) in
 * `detail.topicName`:
 *
 * ```text
 * detail-type       v2.detail.events.conversation.{id}.acd.end
 * detail.topicName  v2.detail.events.conversation.5f1c2d3e-…-9a8b.acd.end
 * ```
 *
 * The catalogue ({@link TOPIC_FAMILIES}) names the *families* the pipeline models with a typed
 * body — the 16 conversation detail topics, user presence, routing status and activity, audits,
 * transcription — each with its `kind`. Any other Genesys topic (with or without `{id}` segments,
 * e.g. `v2.operations.events.{id}`, `v2.quality.evaluations`) is accepted too and flows end to end
 * as a *generic* event (`kind: 'generic'`): envelope validated, idempotency key, archived, stored.
 * {@link validateTopics} is the one validation every entry point uses (setup, the CDK construct,
 * `run`); the parser uses {@link isGenericTopicName} and {@link kindOfTopic}.
 */

/** Prefix shared by the conversation detail topics, before the conversation id. */
export const CONVERSATION_TOPIC_PREFIX = 'v2.detail.events.conversation.';

/** The 16 conversation detail topics, by the part after `conversation.{id}.`. */
export const CONVERSATION_TOPICS = [
  'customer.start',
  'customer.end',
  'flow.start',
  'flow.end',
  'flow.outcome',
  'acd.start',
  'acd.end',
  'user.start',
  'user.end',
  'attributes',
  'acw',
  'wrapup',
  'contact',
  'outbound',
  'voicemail.start',
  'voicemail.end',
] as const;

/** One of the 16 conversation detail topics, e.g. `'acd.end'`. */
export type ConversationTopic = (typeof CONVERSATION_TOPICS)[number];

/** A generic conversation detail topic name, e.g. `v2.detail.events.conversation.{id}.acd.end`. */
export type GenericConversationTopic = `v2.detail.events.conversation.{id}.${ConversationTopic}`;

const conversationTopicSet: ReadonlySet<string> = new Set(CONVERSATION_TOPICS);

/** The generic topic names of the 16 conversation detail topics, in catalogue order. */
export const GENERIC_CONVERSATION_TOPICS: readonly GenericConversationTopic[] = CONVERSATION_TOPICS.map((t) =>
  genericConversationTopic(t),
);

/** `'acd.end'` → `'v2.detail.events.conversation.{id}.acd.end'`. */
export function genericConversationTopic(topic: ConversationTopic): GenericConversationTopic {
  return `${CONVERSATION_TOPIC_PREFIX}{id}.${topic}`;
}

/** `('acd.end', '5f1c…')` → `'v2.detail.events.conversation.5f1c….acd.end'`. */
export function concreteConversationTopic(topic: ConversationTopic, conversationId: string): string {
  return `${CONVERSATION_TOPIC_PREFIX}${conversationId}.${topic}`;
}

/** True when `value` is one of the 16 short conversation topic names (`'acd.end'`). */
export function isConversationTopic(value: string): value is ConversationTopic {
  return conversationTopicSet.has(value);
}

/**
 * Splits a topic name of the conversation detail family, generic or concrete.
 *
 * @returns the id segment (`'{id}'` for a generic name) and the short topic, or `undefined`
 * when the name is not of the form `v2.detail.events.conversation.<id>.<topic>` with a known topic.
 *
 * @example
 * parseConversationTopicName('v2.detail.events.conversation.abc.acd.end')
 * // → { id: 'abc', topic: 'acd.end' }
 */
export function parseConversationTopicName(name: string): { id: string; topic: ConversationTopic } | undefined {
  if (!name.startsWith(CONVERSATION_TOPIC_PREFIX)) return undefined;
  const rest = name.slice(CONVERSATION_TOPIC_PREFIX.length);
  const dot = rest.indexOf('.');
  if (dot <= 0) return undefined;
  const id = rest.slice(0, dot);
  const topic = rest.slice(dot + 1);
  return isConversationTopic(topic) ? { id, topic } : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The generic form of any concrete Genesys topic name: every segment that is a UUID becomes
 * `{id}`. For topics whose ids are not UUIDs (e.g. `v2.audits.entitytype.{id}.entityid.{id}`)
 * compare with {@link topicMatchesGeneric} instead.
 */
export function genericTopicOf(topicName: string): string {
  return topicName
    .split('.')
    .map((segment) => (UUID.test(segment) ? '{id}' : segment))
    .join('.');
}

/**
 * True when the concrete `topicName` is an instance of the generic `genericTopic`: the same
 * segments, where each `{id}` stands for exactly one non-empty segment.
 */
export function topicMatchesGeneric(topicName: string, genericTopic: string): boolean {
  // Segment by segment, without splitting (this runs for every event).
  let c = 0;
  let g = 0;
  for (;;) {
    const cEnd = segmentEnd(topicName, c);
    const gEnd = segmentEnd(genericTopic, g);
    const length = gEnd - g;
    if (length === 4 && genericTopic.startsWith('{id}', g)) {
      if (cEnd === c) return false;
    } else {
      if (cEnd - c !== length) return false;
      for (let i = 0; i < length; i++) if (topicName.charCodeAt(c + i) !== genericTopic.charCodeAt(g + i)) return false;
    }
    const cLast = cEnd === topicName.length;
    const gLast = gEnd === genericTopic.length;
    if (cLast || gLast) return cLast && gLast;
    c = cEnd + 1;
    g = gEnd + 1;
  }
}

/** Index of the `.` that ends the segment starting at `start`, or the length of `name`. */
function segmentEnd(name: string, start: number): number {
  const dot = name.indexOf('.', start);
  return dot === -1 ? name.length : dot;
}

/**
 * The kinds of parsed events: one per modelled family, and `generic` for every other topic.
 * Every `GenesysEvent` carries its `kind`.
 */
export const EVENT_KINDS = [
  'conversation',
  'user-presence',
  'user-routing-status',
  'user-activity',
  'audit',
  'transcription',
  'generic',
] as const;

/** The `kind` of a parsed event. */
export type EventKind = (typeof EVENT_KINDS)[number];

/** The kind of a family with a typed body (every kind but `generic`). */
export type TypedKind = Exclude<EventKind, 'generic'>;

/** One family of topics the pipeline models with a typed body. */
export interface TopicFamily {
  kind: TypedKind;
  /** Its generic topic names. */
  topics: readonly string[];
  /** What its events say, in a few words. */
  description: string;
  /** The official SDK's model of the body (`purecloud-platform-client-v2`), checked field by field in the tests. */
  sdkModel: string;
}

/** The generic topic of user presence: the user's presence changed. */
export const USER_PRESENCE_TOPIC = 'v2.users.{id}.presence';
/** The generic topic of routing status: the user's ACD routing status changed. */
export const USER_ROUTING_STATUS_TOPIC = 'v2.users.{id}.routingStatus';
/** The generic topic of user activity: routing status, presence, out of office and active queues together. */
export const USER_ACTIVITY_TOPIC = 'v2.users.{id}.activity';
/** The generic topic of audits: `v2.audits.entitytype.<entity type>.entityid.<entity id>`. */
export const AUDIT_TOPIC = 'v2.audits.entitytype.{id}.entityid.{id}';
/** The generic topic of (voice) transcription: utterances of one conversation. */
export const TRANSCRIPTION_TOPIC = 'v2.conversations.{id}.transcription';

/** The families with a typed body, by kind. */
export const TOPIC_FAMILIES: Readonly<Record<TypedKind, TopicFamily>> = {
  conversation: {
    kind: 'conversation',
    topics: GENERIC_CONVERSATION_TOPICS,
    description: 'conversation detail events (analytics detail events): customer, flow, ACD, agent, wrap-up, voicemail',
    sdkModel: '<Topic>DetailEventTopic<Event>Event, one per topic (e.g. AcdEndDetailEventTopicAcdEndEvent)',
  },
  'user-presence': {
    kind: 'user-presence',
    topics: [USER_PRESENCE_TOPIC],
    description: "a user's presence (system presence and presence definition)",
    sdkModel: 'PresenceEventUserPresence',
  },
  'user-routing-status': {
    kind: 'user-routing-status',
    topics: [USER_ROUTING_STATUS_TOPIC],
    description: "a user's routing status (OFF_QUEUE, IDLE, INTERACTING, NOT_RESPONDING, COMMUNICATING) and since when",
    sdkModel: 'UserRoutingStatusUserRoutingStatus',
  },
  'user-activity': {
    kind: 'user-activity',
    topics: [USER_ACTIVITY_TOPIC],
    description: "a user's routing status, presence, out-of-office and active queues in one event",
    sdkModel: 'AgentActivityChangedTopicAgentActivity',
  },
  audit: {
    kind: 'audit',
    topics: [AUDIT_TOPIC],
    description: 'audit log entries: who changed which entity, how (property changes), when',
    sdkModel: 'AuditTopicAuditLogMessage',
  },
  transcription: {
    kind: 'transcription',
    topics: [TRANSCRIPTION_TOPIC],
    description: 'voice transcription: utterances of a conversation with channel and confidence',
    sdkModel: 'TranscriptionTopicTranscriptionMessage',
  },
};

/** The typed kinds, in catalogue order. */
export const TYPED_KINDS: readonly TypedKind[] = EVENT_KINDS.filter((k): k is TypedKind => k !== 'generic');

/** Every generic topic name with a typed model, in catalogue order. */
export const TYPED_TOPICS: readonly string[] = TYPED_KINDS.flatMap((kind) => TOPIC_FAMILIES[kind].topics);

const kindByTopic: ReadonlyMap<string, TypedKind> = new Map(
  TYPED_KINDS.flatMap((kind) => TOPIC_FAMILIES[kind].topics.map((topic) => [topic, kind] as const)),
);

/**
 * The kind of events of a generic topic name: its family's kind, or `generic` for any other topic.
 *
 * @example
 * kindOfTopic('v2.users.{id}.presence') // → 'user-presence'
 * kindOfTopic('v2.operations.events.{id}') // → 'generic'
 */
export function kindOfTopic(genericTopic: string): EventKind {
  return kindByTopic.get(genericTopic) ?? 'generic';
}

/** One segment of a generic topic name: `{id}`, or letters, digits, `_` and `-`. */
const SEGMENT = /^(?:\{id\}|[A-Za-z0-9_-]+)$/;

/**
 * True for a well-formed generic Genesys topic name: `v2` followed by one or more segments, each
 * `{id}` or a word of letters, digits, `_` and `-` — e.g. `v2.users.{id}.presence`,
 * `v2.quality.evaluations` (no id). This is the parser's check of `detail-type` and the first
 * check of {@link validateTopics}.
 */
export function isGenericTopicName(name: string): boolean {
  if (name.length > 256 || !name.startsWith('v2.')) return false;
  let start = 3;
  for (;;) {
    const end = segmentEnd(name, start);
    if (!SEGMENT.test(name.slice(start, end))) return false;
    if (end === name.length) return true;
    start = end + 1;
  }
}

/**
 * The values of the `{id}` segments of a concrete topic name that is an instance of `genericTopic`
 * (check with {@link topicMatchesGeneric} first), in order.
 *
 * @example
 * topicIds('v2.audits.entitytype.Queue.entityid.7c1…', 'v2.audits.entitytype.{id}.entityid.{id}') // → ['Queue', '7c1…']
 */
export function topicIds(topicName: string, genericTopic: string): string[] {
  const ids: string[] = [];
  const concrete = topicName.split('.');
  const generic = genericTopic.split('.');
  for (let i = 0; i < generic.length; i++) if (generic[i] === '{id}') ids.push(concrete[i] ?? '');
  return ids;
}

/** One problem found by {@link validateTopics}. */
export interface TopicProblem {
  /** The topic as given. */
  topic: string;
  /** What is wrong and how to fix it. */
  message: string;
  /** The closest known topic names, best first (possibly empty). */
  suggestions: string[];
}

/** Result of {@link validateTopics}: the normalized topics, or every problem found. */
export type TopicValidation =
  { ok: true; topics: string[] } | { ok: false; topics: string[]; problems: TopicProblem[] };

/**
 * Validates a list of topic names: the one validation of `setup`, the CDK construct and `run`.
 *
 * Accepted forms: generic names (`v2.detail.events.conversation.{id}.acd.end`,
 * `v2.users.{id}.presence`, `v2.quality.evaluations`); for the conversation detail topics the
 * short name (`acd.end`); and a family's kind standing for its topics (`conversation` for the 16,
 * `user-presence`, `audit`, …). Duplicates are removed; order is kept.
 *
 * Without `known` (the catalogue mode) any well-formed generic name is accepted — a topic without
 * a typed model flows as a generic event — except: a concrete name (a UUID where the generic name
 * has `{id}`, or an entity type where the audit topic has one) names the generic form; a name one
 * or two edits away from a modelled topic (`v2.users.{id}.presense`) is reported with the names meant (EventBridge matches `detail-type` exactly: a misspelt topic never receives an
 * event). With `known` (e.g. the topics an org can send, for `setup`), only those names are accepted.
 *
 * @example
 * validateTopics(['acd.end', 'v2.users.{id}.presence', 'v2.quality.evaluations']).ok // → true
 * validateTopics(['acd.end', 'v2.detail.events.conversation.{id}.custmer.start'])
 * // → { ok: false, problems: [{ topic: '…custmer.start', suggestions: ['…customer.start', …] }] }
 */
export function validateTopics(topics: readonly string[], known?: readonly string[]): TopicValidation {
  const knownSet = known === undefined ? undefined : new Set(known);
  const normalized: string[] = [];
  const problems: TopicProblem[] = [];
  const add = (topic: string): void => {
    if (!normalized.includes(topic)) normalized.push(topic);
  };
  for (const given of topics) {
    const topic = given.trim();
    if (isTypedKind(topic)) {
      const family = TOPIC_FAMILIES[topic].topics.filter((t) => knownSet === undefined || knownSet.has(t));
      if (family.length > 0) {
        family.forEach(add);
        continue;
      }
    }
    const expanded = isConversationTopic(topic) ? genericConversationTopic(topic) : topic;
    if (knownSet ? knownSet.has(expanded) : kindByTopic.has(expanded)) {
      add(expanded);
      continue;
    }
    const catalogue = knownSet ? known! : TYPED_TOPICS;
    const generic = genericTopicOf(expanded);
    if (generic !== expanded && (knownSet ? knownSet.has(generic) : isGenericTopicName(generic))) {
      problems.push({
        topic: given,
        message: `"${given}" names one entity; subscribe with the generic topic "${generic}" (the literal {id}).`,
        suggestions: [generic],
      });
      continue;
    }
    if (knownSet === undefined && isGenericTopicName(expanded)) {
      const instanceOf = typedTopicInstanceOf(expanded);
      if (instanceOf !== undefined) {
        problems.push({
          topic: given,
          message: `"${given}" names particular entities; Genesys sends these events with detail-type "${instanceOf}" (the literal {id}), so subscribe with that name (the real ids are in detail.topicName).`,
          suggestions: [instanceOf],
        });
        continue;
      }
      const near = nearTypedTopics(expanded);
      if (near.length === 0) {
        add(expanded);
        continue;
      }
      problems.push({
        topic: given,
        message: `Unknown topic "${given}". Did you mean ${near.map((s) => `"${s}"`).join(' or ')}? (EventBridge matches topic names exactly.)`,
        suggestions: near,
      });
      continue;
    }
    const suggestions = expanded.startsWith('v2.')
      ? closestNames(expanded, catalogue)
      : closestShortNames(expanded, catalogue);
    problems.push({
      topic: given,
      message:
        topic === ''
          ? 'An empty topic name was given.'
          : `Unknown topic "${given}".${suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : knownSet === undefined ? ' A topic is a generic Genesys topic name such as "v2.users.{id}.presence" (`genesys-pipeline topics` lists them), a short conversation topic such as "acd.end", or a family: ' + TYPED_KINDS.join(', ') + '.' : ''}`,
      suggestions,
    });
  }
  return problems.length ? { ok: false, topics: normalized, problems } : { ok: true, topics: normalized };
}

/**
 * The modelled generic topic that `name` is a concrete instance of (its `{id}` segments filled
 * in, e.g. `v2.audits.entitytype.Queue.entityid.{id}` → `v2.audits.entitytype.{id}.entityid.{id}`),
 * or `undefined`. Genesys never sends such a name as `detail-type`.
 */
export function typedTopicInstanceOf(name: string): string | undefined {
  if (kindByTopic.has(name)) return undefined;
  return TYPED_TOPICS.find((typed) => topicMatchesGeneric(name, typed));
}

function isTypedKind(value: string): value is TypedKind {
  return (TYPED_KINDS as readonly string[]).includes(value);
}

/**
 * Modelled topics a well-formed name not in the catalogue was probably meant to be: those at most
 * two edits away (`v2.users.{id}.presense`, `…conversation.{id}.custmer.start`). A name further
 * from all of them is taken as the topic it says (e.g. a detail event topic Genesys adds later).
 */
function nearTypedTopics(name: string): string[] {
  return TYPED_TOPICS.map((topic) => ({ topic, distance: editDistance(name, topic) }))
    .filter((t) => t.distance <= 2)
    .sort((a, b) => a.distance - b.distance)
    .map((t) => t.topic);
}

/** The chosen topics split into those with a typed model (by kind) and those handled generically. */
export interface TopicModels {
  /** Topics with a typed model, with their kind, in the order given. */
  typed: { topic: string; kind: TypedKind }[];
  /** Topics handled as generic events (envelope validated, key, archived, stored by topic, id and time). */
  generic: string[];
}

/** Splits generic topic names into typed and generic ones (see {@link describeTopicModels}). */
export function topicModels(topics: readonly string[]): TopicModels {
  const typed: TopicModels['typed'] = [];
  const generic: string[] = [];
  for (const topic of topics) {
    const kind = kindOfTopic(topic);
    if (kind === 'generic') generic.push(topic);
    else typed.push({ topic, kind });
  }
  return { typed, generic };
}

/**
 * One paragraph saying which of the chosen topics have a typed model and which are handled
 * generically — what `setup`, synth and `run` print once.
 *
 * @example
 * describeTopicModels(['v2.users.{id}.presence', 'v2.quality.evaluations'])
 * // → 'Topics: 1 typed (user-presence: v2.users.{id}.presence); 1 generic (v2.quality.evaluations: …).'
 */
export function describeTopicModels(topics: readonly string[]): string {
  const { typed, generic } = topicModels(topics);
  const byKind = new Map<TypedKind, string[]>();
  for (const { topic, kind } of typed) byKind.set(kind, [...(byKind.get(kind) ?? []), topic]);
  const typedText = [...byKind.entries()]
    .map(([kind, names]) =>
      kind === 'conversation' && names.length > 2
        ? `conversation: ${names.length} conversation detail topics`
        : `${kind}: ${names.join(', ')}`,
    )
    .join('; ');
  const parts = [`${typed.length} typed${typed.length ? ` (${typedText})` : ''}`];
  parts.push(
    `${generic.length} generic${generic.length ? ` (${generic.join(', ')}: envelope validated, idempotency key, archived, stored by topic, entity id and time; no typed body)` : ''}`,
  );
  return `Topics: ${parts.join('; ')}.`;
}

/**
 * A misspelt short name (`acd.ends`) is far, by edit distance, from every full name: compare it
 * with the short names of the known conversation topics, and suggest their full names.
 */
function closestShortNames(name: string, known: readonly string[]): string[] {
  const prefix = `${CONVERSATION_TOPIC_PREFIX}{id}.`;
  const short = known.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  return closestNames(name, short).map((s) => prefix + s);
}

/** Up to `limit` names of `candidates` closest to `name` by edit distance, best first. */
export function closestNames(name: string, candidates: readonly string[], limit = 3): string[] {
  const scored = candidates.map((candidate) => ({ candidate, distance: editDistance(name, candidate) }));
  // A suggestion is only useful when it is reasonably close: at most a third of the name differs,
  // or the candidate ends with the short name given (e.g. "acd.ends" → "...acd.end").
  const threshold = Math.max(3, Math.floor(name.length / 3));
  return scored
    .filter((s) => s.distance <= threshold || s.candidate.endsWith(`.${name}`))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((s) => s.candidate);
}

/** Levenshtein distance (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
