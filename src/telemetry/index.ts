/** Telemetry of the local pipeline: counters, rates, latency quantiles, `/api/stats` and Prometheus metrics. */
export { PipelineTelemetry, LATENCY_STAGES } from './pipeline-telemetry.js';
export type { PipelineTelemetryOptions, LatencyStage } from './pipeline-telemetry.js';
export type { PipelineStats, LatencyQuantiles, LatencySplit, StageLatency } from './stats.js';
export type { AgentFigures, ContactCentreFigures, ContactCentreSource, QueueWaiting } from './contact-centre.js';
export type { MonotonicClock } from './clock.js';
export { LogHistogram, WindowedLogHistogram } from './log-histogram.js';
export type { LogHistogramOptions, WindowedLogHistogramOptions } from './log-histogram.js';
export { SlidingRate } from './sliding-rate.js';
export type { SlidingRateOptions } from './sliding-rate.js';
export { LATENCY_BUCKETS_SECONDS } from './prometheus.js';
