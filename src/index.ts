/**
 * genesys-event-pipeline — the entry points most programs need. Each area has its own subpath
 * with its whole public API (`genesys-event-pipeline/events`, `/eventbridge`, `/queue`,
 * `/workflow`, `/processing`, `/simulate`, `/genesys`, `/plan`, `/runtime`);
 * docs/api.md lists them.
 */
export { parseGenesysEvent, parseGenesysEventText, eventKey, validateTopics } from './events/index.js';
export type { GenesysEvent, ConversationEvent, ParseResult, EventProblem } from './events/index.js';
export { testEventPattern, compileEventPattern, transformInput, LocalEventBridge } from './eventbridge/index.js';
export { buildStateMachineDefinition } from './workflow/index.js';
export type { WorkflowMode } from './workflow/index.js';
export { TransientProcessingError, PermanentProcessingError, WebhookSink } from './processing/index.js';
export type { Sink, SinkContext, SinkFactory, ConversationProjection } from './processing/index.js';
export { generateEvents, sendEvents, inspectLines } from './simulate/index.js';
export { createGenesysClient, loadGenesysConfig, runSetup } from './genesys/index.js';
export { planCapacity } from './plan/index.js';
export { startRuntime, withBearerToken } from './runtime/index.js';
export type { Runtime, RuntimeOptions } from './runtime/index.js';
