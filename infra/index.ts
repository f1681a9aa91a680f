/**
 * The AWS deployment of genesys-event-pipeline: the `GenesysEventPipeline` construct, its
 * stack, and the helpers the CDK app uses.
 */
export { GenesysEventPipeline } from './lib/genesys-event-pipeline.js';
export type { GenesysEventPipelineProps } from './lib/genesys-event-pipeline.js';
export {
  resolvePipelineConfig,
  SQS_EVENT_SOURCE_LIMITS,
  TASK_TIMEOUT_MARGIN_SECONDS,
  GENESYS_RESEND_WINDOW_SECONDS,
} from './lib/config.js';
export type { PipelineConfig, FunctionLogLevel } from './lib/config.js';
export { resolveQueueTiming, STARTER_MARGIN_SECONDS, VISIBILITY_TIMEOUT_FACTOR } from './lib/queue-timing.js';
export type { QueueTiming, QueueTimingInput } from './lib/queue-timing.js';
export { PipelineConfigError } from './lib/errors.js';
export {
  resolvePartnerEventSource,
  resolveTopics,
  GENESYS_PARTNER_SOURCE_PREFIX,
  partnerEventSourceName,
} from './lib/source.js';
export type { PartnerEventSource, PartnerEventSourceInput } from './lib/source.js';
export { PipelineMonitoring } from './lib/monitoring.js';
export type { PipelineMonitoringProps } from './lib/monitoring.js';
export { GenesysEventPipelineStack } from './lib/stack.js';
export type { GenesysEventPipelineStackProps } from './lib/stack.js';
export type { PipelineSink } from './lib/sinks.js';
export { GenesysEventLake } from './lib/lake.js';
export type { PipelineLakeProps } from './lib/lake.js';
export {
  settingsFromContext,
  CONTEXT_KEYS,
  EXAMPLE_ORG_ID,
  EXAMPLE_EVENT_SOURCE_SUFFIX,
  DEFAULT_STACK_NAME,
} from './lib/context.js';
export type { AppSettings, ContextKey } from './lib/context.js';
export { acknowledge, listAcknowledgments, awsSolutionsReport } from './lib/nag.js';
export type { Acknowledgment } from './lib/nag.js';
