/**
 * The files the plan page inlines: its script and stylesheet from `static/` beside this module
 * (copied next to the compiled module by the build), and uPlot from the installed package — the
 * same build the dashboard serves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readUplotBrowserBuild } from '../../dashboard/assets.js';
import type { PlanPageAssets } from './render.js';
import { PlanPageAssetsError } from '../errors.js';

/**
 * Reads the page's assets (synchronously).
 *
 * @throws PlanPageAssetsError when a file is missing.
 */
export function loadPlanPageAssets(): PlanPageAssets {
  const candidates = [
    new URL('./static/', import.meta.url),
    new URL('../../../src/plan/html/static/', import.meta.url),
  ].map((u) => fileURLToPath(u));
  const dir = candidates.find((d) => existsSync(join(d, 'plan-page.js')));
  if (dir === undefined)
    throw new PlanPageAssetsError(
      `The plan page's files were not found (looked in ${candidates.join(' and ')}). Reinstall the package, or after "npm run build" run scripts/copy-dashboard-assets.mjs.`,
    );
  let uplot: { js: string; css: string };
  try {
    uplot = readUplotBrowserBuild();
  } catch (error) {
    throw new PlanPageAssetsError((error as Error).message);
  }
  return {
    uplotJs: uplot.js,
    uplotCss: uplot.css,
    pageJs: readFileSync(join(dir, 'plan-page.js'), 'utf8'),
    pageCss: readFileSync(join(dir, 'plan-page.css'), 'utf8'),
  };
}
