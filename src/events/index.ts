/**
 * `genesys-event-pipeline/events` — the Genesys event model: topics, the zod schemas of the
 * EventBridge envelope and the conversation detail event bodies, the per-event idempotency key,
 * and `parseGenesysEvent` (a typed event or precise problems; never throws).
 */
export {
  CONVERSATION_TOPIC_PREFIX,
  CONVERSATION_TOPICS,
  GENERIC_CONVERSATION_TOPICS,
  genericConversationTopic,
  concreteConversationTopic,
  isConversationTopic,
  parseConversationTopicName,
  genericTopicOf,
  topicMatchesGeneric,
  validateTopics,
  EVENT_KINDS,
} from './topics.js';
export type {
  ConversationTopic,
  EventKind,
  GenericConversationTopic,
  TopicProblem,
  TopicValidation,
} from './topics.js';
export {
  MEDIA_TYPES,
  DIRECTIONS,
  ACD_OUTCOMES,
  DISCONNECT_TYPES,
  MESSAGE_TYPES,
  CONVERSATION_BODY_SCHEMAS,
  PARTNER_SOURCE_PATTERN,
  DetailSchema,
  EnvelopeSchema,
} from './schemas.js';
export type {
  MediaType,
  Direction,
  AcdOutcome,
  DisconnectType,
  MessageType,
  ConversationEventBody,
  GenesysEnvelope,
} from './schemas.js';
export { canonicalJson, eventKey } from './identity.js';
export { MAX_EVENT_BYTES, parseGenesysEvent, parseGenesysEventText, formatProblems } from './parse.js';
export type {
  EventProblem,
  ConversationEvent,
  UserPresenceEvent,
  UserRoutingStatusEvent,
  UserActivityEvent,
  AgentStateEvent,
  AuditEvent,
  TranscriptionEvent,
  GenericEvent,
  OtherEvent,
  GenesysEvent,
  GenesysEventOfKind,
  ParseResult,
} from './parse.js';
