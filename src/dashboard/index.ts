/** The live dashboard: its page and files (uPlot from node_modules), served from memory. */
export { createDashboardHandler, DASHBOARD_CONTENT_SECURITY_POLICY } from './handler.js';
export type { DashboardHandler } from './handler.js';
export { loadDashboardAssets, DashboardAssetsError } from './assets.js';
export type { DashboardAsset } from './assets.js';
