/** The durable queue: SQS standard-queue semantics on SQLite. */
export * from './errors.js';
export * from './queue-config.js';
export * from './durable-queue.js';
export * from './queue-store.js';
