/**
 * `genesys-event-pipeline/simulate` — the Genesys event simulator: realistic conversations as
 * EventBridge events (NDJSON), deterministic per seed, with fault injection; a PutEvents sender;
 * and the validator behind `inspect` for captured files.
 */
export { generateEvents, generateAnnotatedEvents } from './generate.js';
export type { SimulatedLine, SimulatedFault } from './generate.js';
export { SIMULATION_DEFAULTS, SIMULATED_FAMILIES, resolveSimulationOptions } from './options.js';
export type { SimulatedFamily } from './families.js';
export type { SimulationOptions, ResolvedSimulationOptions } from './options.js';
export { MALFORMED_KINDS } from './faults.js';
export type { MalformedKind } from './faults.js';
export { simulationCatalogue } from './catalogue.js';
export type { Catalogue } from './catalogue.js';
export { CatalogueDirectorySource } from './directory-source.js';
export { SIMULATED_MEDIA } from './profiles.js';
export type { SimulatedMedia } from './profiles.js';
export { writeNdjson } from './ndjson.js';
export type { WriteNdjsonOptions, WriteNdjsonResult } from './ndjson.js';
export { sendEvents } from './sender.js';
export type { SendOptions, SendSummary, SendFailure } from './sender.js';
export { toPutEventsEntry } from './entry.js';
export type { EntryConversion } from './entry.js';
export { inspectLines } from './inspection.js';
export type { InspectOptions, InspectionProgress, InspectionReport, InvalidLine, DuplicateLine } from './inspection.js';
export { SimulatorError, SimulationOptionsError, SendError } from './errors.js';
