/**
 * genesys-event-pipeline: the public library API. Each module's own `index.ts` decides what it
 * exports; this file only gathers them.
 */
export * from './events/index.js';
export * from './eventbridge/index.js';
export * from './queue/index.js';
export * from './simulate/index.js';
export * from './workflow/index.js';
export * from './processing/index.js';
export * from './functions/index.js';
export * from './directory/index.js';
export * from './genesys/index.js';
export * from './telemetry/index.js';
export * from './dashboard/index.js';
export * from './plan/index.js';
export * from './runtime/index.js';
