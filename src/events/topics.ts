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
 * The pipeline models the 16 conversation detail topics in full; every other topic is kept as
 * an "other" event.
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
 * Validates a list of topic names against a catalogue of known generic names (by default the
 * 16 conversation detail topics).
 *
 * Accepted forms: the generic name (`v2.detail.events.conversation.{id}.acd.end`) and, for the
 * conversation detail topics, the short name (`acd.end`). A concrete name (with a real id) is an
 * error that names the generic form. Duplicates are removed; order is kept.
 *
 * @example
 * validateTopics(['acd.end', 'v2.detail.events.conversation.{id}.custmer.start'])
 * // → { ok: false, problems: [{ topic: '…custmer.start', suggestions: ['…customer.start', …] }] }
 */
export function validateTopics(
  topics: readonly string[],
  known: readonly string[] = GENERIC_CONVERSATION_TOPICS,
): TopicValidation {
  const knownSet = new Set(known);
  const normalized: string[] = [];
  const problems: TopicProblem[] = [];
  for (const given of topics) {
    const topic = given.trim();
    const expanded = isConversationTopic(topic) ? genericConversationTopic(topic) : topic;
    if (knownSet.has(expanded)) {
      if (!normalized.includes(expanded)) normalized.push(expanded);
      continue;
    }
    const generic = genericTopicOf(expanded);
    if (generic !== expanded && knownSet.has(generic)) {
      problems.push({
        topic: given,
        message: `"${given}" names one entity; subscribe with the generic topic "${generic}" (the literal {id}).`,
        suggestions: [generic],
      });
      continue;
    }
    const suggestions = expanded.startsWith('v2.') ? closestNames(expanded, known) : closestShortNames(expanded, known);
    problems.push({
      topic: given,
      message:
        topic === ''
          ? 'An empty topic name was given.'
          : `Unknown topic "${given}".${suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : ''}`,
      suggestions,
    });
  }
  return problems.length ? { ok: false, topics: normalized, problems } : { ok: true, topics: normalized };
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
