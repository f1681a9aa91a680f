/** The plan as one self-contained HTML page with charts (`plan --html`). */
export { planPageModel } from './page-model.js';
export type { PageLine, PageResult, PageTopology, PlanPageModel, PlanVariant } from './page-model.js';
export { renderPlanPage } from './render.js';
export type { PlanPageAssets } from './render.js';
export { loadPlanPageAssets } from './assets.js';
