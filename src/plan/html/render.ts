/**
 * The plan page as one self-contained HTML file: the page's data, its script and stylesheet and
 * uPlot's browser build all inline — nothing is fetched, and a Content-Security-Policy naming the
 * inline script and style by hash forbids anything else. Pure: the caller loads the assets
 * ({@link loadPlanPageAssets}) and writes the file.
 */
import { createHash } from 'node:crypto';
import type { PlanPageModel } from './page-model.js';

/** The files the page inlines. */
export interface PlanPageAssets {
  /** uPlot's browser build (`uplot/dist/uPlot.iife.min.js`). */
  readonly uplotJs: string;
  /** uPlot's stylesheet (`uplot/dist/uPlot.min.css`). */
  readonly uplotCss: string;
  /** The page's own script (`static/plan-page.js`). */
  readonly pageJs: string;
  /** The page's own stylesheet (`static/plan-page.css`). */
  readonly pageCss: string;
}

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Text safe inside `<script>` or `<style>`: no closing tag can end the element early. */
function inline(text: string): string {
  return text.replace(/<\/(script|style)/gi, '<\\/$1');
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/**
 * The page's HTML.
 *
 * @example
 * writeFileSync('plan.html', renderPlanPage(planPageModel(variants), loadPlanPageAssets()));
 */
export function renderPlanPage(model: PlanPageModel, assets: PlanPageAssets): string {
  // JSON in a data block: `<` escaped, so that no text in it can close the element.
  const data = JSON.stringify(model).replace(/</g, '\\u003c');
  const scripts = [inline(assets.uplotJs), inline(assets.pageJs)];
  const style = inline(`${assets.uplotCss}\n${assets.pageCss}`);
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(hash).join(' ')}`,
    `style-src ${hash(style)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>${escapeHtml(model.title)}</title>
    <style>${style}</style>
  </head>
  <body>
    <header class="top">
      <h1>${escapeHtml(model.title)}</h1>
      <p class="subtitle">${escapeHtml(model.subtitle)}</p>
      <p class="floor-note">${escapeHtml(model.costFloor.text)}</p>
    </header>
    <main id="plan"><noscript>The charts need JavaScript; the figures are in the JSON below and in the text plan.</noscript></main>
    <footer>Made by <code>genesys-pipeline plan --html</code>. Model, sources and limits: docs/capacity.md. Charts: drag to zoom, double-click to reset.</footer>
    <script type="application/json" id="plan-data">${data}</script>
    <script>${scripts[0]}</script>
    <script>${scripts[1]}</script>
  </body>
</html>
`;
}
