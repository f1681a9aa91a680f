/** EventBridge semantics: event patterns, input transformation, and the local event bus. */

// Event patterns and input transformation.
export { EventBridgeError, InvalidEventPatternException, EventBridgeValidationException } from './errors.js';
export type { PatternTextLocation } from './errors.js';
export {
  compileEventPattern,
  testEventPattern,
  parseTestEvent,
  REQUIRED_TEST_EVENT_FIELDS,
  EventPatternIndex,
  MAX_EVENT_PATTERN_LENGTH,
  MAX_WILDCARD_COMPLEXITY,
} from './pattern.js';
export type { CompiledEventPattern } from './pattern.js';
export { transformInput, validateTargetInput, INPUT_LIMITS } from './transform.js';
export type { TargetInput, TransformContext, TransformResult } from './transform.js';

// The local event bus: buses, rules, targets, PutEvents, archive and replay, the HTTP endpoint.
export { LocalEventBridge } from './local-event-bridge.js';
export type {
  LocalEventBridgeOptions,
  CreateEventBusInput,
  PutTargetsInput,
  ReplayInput,
  ReplayResult,
  LocalEventBridgeStats,
} from './local-event-bridge.js';
export { EventBus, MAX_TARGETS_PER_RULE } from './bus.js';
export type { PutRuleInput, RuleState, RuleTarget, DeadLetterConfig, Rule, ResolvedRuleTarget } from './bus.js';
export { buildEvent, formatEventTime, eventBusArn, ruleArn, busNameOf } from './bus-event.js';
export type { EventBridgeEvent } from './bus-event.js';
export {
  EventBusError,
  EventBusResourceNotFoundException,
  EventBusResourceAlreadyExistsException,
  EventBusLimitExceededException,
} from './errors.js';
export { resolveRetryPolicy, retryDelayMs, RETRY_POLICY_LIMITS } from './bus-retry-policy.js';
export type { RetryPolicy, ResolvedRetryPolicy, BackoffOptions } from './bus-retry-policy.js';
export type { DeliveryWorkerOptions, ExhaustedRetryCondition } from './bus-delivery-worker.js';
export type { DroppedEvent } from './bus-deliveries.js';
export {
  checkPutEventsRequest,
  prepareEntry,
  putEventsEntrySize,
  PUT_EVENTS_MAX_ENTRIES,
  PUT_PARTNER_EVENTS_MAX_ENTRIES,
  DEFAULT_MAX_REQUEST_ENTRIES_BYTES,
} from './put-events.js';
export type {
  PutEventsRequestEntry,
  PutPartnerEventsRequestEntry,
  PutEventsResultEntry,
  PutEventsResponse,
  PutOperation,
} from './put-events.js';
export { functionTarget, durableQueueTarget, isTransactionalOn } from './targets.js';
export type { BusTarget, TransactionalBusTarget } from './targets.js';
export { TargetDeliveryError } from './errors.js';
export type { DeadLetterErrorCode } from './errors.js';
export { createEventBridgeHandler, startEventBusServer, SUPPORTED_OPERATIONS } from './http.js';
export type { EventBridgeRequestHandler, EventBridgeHttpOptions, EventBusServer } from './http.js';
