/** Burst simulations of both topologies (time-stepped, deterministic, pure). */
export { simulateBufferedBurst } from './buffered-burst.js';
export type { BufferedBurstParams } from './buffered-burst.js';
export { simulateDirectBurst } from './direct-burst.js';
export type { DirectBurstParams } from './direct-burst.js';
export { bufferedBurstParams, directBurstParams, simulateBurst } from './burst-params.js';
export type { BurstResult } from './burst-result.js';
export { BURST_LINES, MAX_SERIES_POINTS, SeriesRecorder } from './burst-series.js';
export type { BurstBound, BurstLine, BurstSeries, BurstSeriesUnit } from './burst-series.js';
