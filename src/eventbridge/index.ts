/**
 * `genesys-event-pipeline/eventbridge` — EventBridge semantics: event patterns (as AWS matches
 * them), input transformation, and `LocalEventBridge` — buses, rules, targets, PutEvents, durable
 * retries, dead-letter queues, archive and replay — with its AWS JSON 1.1 HTTP endpoint.
 */

// Event patterns and input transformation.
export { compileEventPattern, testEventPattern, EventPatternIndex } from './pattern.js';
export { MAX_EVENT_PATTERN_LENGTH, MAX_WILDCARD_COMPLEXITY } from './pattern.js';
export type { CompiledEventPattern } from './pattern.js';
export { transformInput, validateTargetInput, INPUT_LIMITS } from './transform.js';
export type { TargetInput, TransformContext, TransformResult } from './transform.js';

// The local event bus.
export { LocalEventBridge } from './local-event-bridge.js';
export type {
  LocalEventBridgeOptions,
  CreateEventBusInput,
  PutTargetsInput,
  ReplayInput,
  ReplayOptions,
  ReplayResult,
  LocalEventBridgeStats,
} from './local-event-bridge.js';
export { MAX_TARGETS_PER_RULE } from './bus.js';
export type { PutRuleInput, RuleState, RuleTarget, DeadLetterConfig } from './bus.js';
export type { EventBridgeEvent } from './bus-event.js';
export type { RetryPolicy, BackoffOptions } from './bus-retry-policy.js';
export type { DeliveryWorkerOptions, ExhaustedRetryCondition } from './bus-delivery-worker.js';
export type { DroppedEvent } from './bus-deliveries.js';
export { PUT_EVENTS_MAX_ENTRIES, PUT_PARTNER_EVENTS_MAX_ENTRIES } from './put-events.js';
export type {
  PutEventsRequestEntry,
  PutPartnerEventsRequestEntry,
  PutEventsResultEntry,
  PutEventsResponse,
} from './put-events.js';
export { functionTarget, durableQueueTarget } from './targets.js';
export type { BusTarget, TransactionalBusTarget } from './targets.js';
export { createEventBridgeHandler, startEventBusServer } from './http.js';
export type { EventBridgeRequestHandler, EventBridgeHttpOptions, EventBusServer } from './http.js';

// Errors.
export {
  EventBridgeError,
  InvalidEventPatternException,
  EventBridgeValidationException,
  EventBusError,
  EventBusResourceNotFoundException,
  EventBusResourceAlreadyExistsException,
  EventBusLimitExceededException,
  TargetDeliveryError,
} from './errors.js';
export type { PatternTextLocation, DeadLetterErrorCode } from './errors.js';
