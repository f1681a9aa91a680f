/**
 * genesys-event-pipeline: the public library API. Each module's own `index.ts` decides what it
 * exports; this file only gathers them.
 */
export * from './events/index.js';
