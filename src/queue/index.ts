/**
 * `genesys-event-pipeline/queue` — the durable queue: Amazon SQS standard-queue semantics on
 * SQLite (visibility timeout, receipt handles, receive count, redrive to a dead-letter queue and
 * back), the local runtime's event queue.
 */
export { QueueStore } from './queue-store.js';
export type { QueueStoreOptions } from './queue-store.js';
export { DurableQueue } from './durable-queue.js';
export type {
  SendMessageInput,
  SentMessage,
  MessageSystemAttributes,
  ReceivedMessage,
  ReceiveOptions,
  QueueStats,
  DeleteBatchResult,
  RedriveOptions,
  PeekedMessage,
} from './durable-queue.js';
export { QUEUE_LIMITS } from './queue-config.js';
export type { QueueConfig, RedrivePolicy, ResolvedQueueConfig } from './queue-config.js';
export {
  QueueError,
  QueueConfigError,
  QueueArgumentError,
  InvalidReceiptHandleError,
  QueueClosedError,
} from './errors.js';
