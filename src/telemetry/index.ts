/**
 * Telemetry of the local pipeline: counters, rates, latency quantiles, `/api/stats` and
 * Prometheus metrics; the contact-centre figures come through a port. Used by the runtime; not a
 * package export.
 */
export { PipelineTelemetry, LATENCY_STAGES } from './pipeline-telemetry.js';
export type { PipelineTelemetryOptions, LatencyStage } from './pipeline-telemetry.js';
export type { AdmissionStats, PipelineStats, LatencyQuantiles, LatencySplit, StageLatency } from './stats.js';
export type { AgentFigures, ContactCentreFigures, ContactCentreSource, QueueWaiting } from './contact-centre.js';
export type { MonotonicClock } from './clock.js';
export { TelemetryError, TelemetryArgumentError } from './errors.js';
