/** The live dashboard: its page and files (uPlot from node_modules), served from memory. Used by the runtime; not a package export. */
export { createDashboardHandler } from './handler.js';
export type { DashboardHandler } from './handler.js';
export { DashboardError, DashboardAssetsError } from './errors.js';
