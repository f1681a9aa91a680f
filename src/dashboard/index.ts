/** The live dashboard: its page and files (uPlot from node_modules), served from memory. */
export { createDashboardHandler, DASHBOARD_CONTENT_SECURITY_POLICY } from './handler.js';
export type { DashboardHandler } from './handler.js';
export { loadDashboardAssets } from './assets.js';
export { DashboardError, DashboardAssetsError } from './errors.js';
export type { DashboardAsset } from './assets.js';
