/**
 * The dashboard's static files, read once into memory: the page, its script and stylesheet from
 * `src/dashboard/static/`, and uPlot's browser build from `node_modules` (resolved like any
 * dependency, so nothing is fetched from a CDN and nothing is copied into the repository).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DashboardAssetsError } from './errors.js';

/** One file the dashboard serves. */
export interface DashboardAsset {
  /** URL path, e.g. `/dashboard/app.js` (`/` for the page). */
  path: string;
  body: Buffer;
  contentType: string;
  /** Strong validator: a quoted hash of the body. */
  etag: string;
}

const STATIC_FILES: readonly [urlPath: string, file: string, contentType: string][] = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/dashboard/app.js', 'app.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/app.css', 'app.css', 'text/css; charset=utf-8'],
  ['/dashboard/latency-split.js', 'latency-split.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/latency-split.css', 'latency-split.css', 'text/css; charset=utf-8'],
  ['/dashboard/favicon.svg', 'favicon.svg', 'image/svg+xml'],
];

const VENDOR_FILES: readonly [urlPath: string, specifier: string, contentType: string][] = [
  ['/dashboard/vendor/uPlot.iife.min.js', 'uplot/dist/uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
  ['/dashboard/vendor/uPlot.min.css', 'uplot/dist/uPlot.min.css', 'text/css; charset=utf-8'],
];

/**
 * Where the static files are: next to this module (`src/dashboard/static`, or
 * `dist/dashboard/static` when the build copied them), else the source tree beside `dist/`.
 */
function staticDirectory(): string {
  const candidates = [
    new URL('./static/', import.meta.url),
    new URL('../../src/dashboard/static/', import.meta.url),
  ].map((u) => fileURLToPath(u));
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (found === undefined) {
    throw new DashboardAssetsError(
      `Dashboard files not found (looked in ${candidates.join(' and ')}). Reinstall the package, or after "npm run build" copy src/dashboard/static to dist/dashboard/static (scripts/copy-dashboard-assets.mjs does it).`,
    );
  }
  return found;
}

function asset(path: string, body: Buffer, contentType: string): DashboardAsset {
  return { path, body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Reads every dashboard file. Synchronous, meant to run once when the server starts; throws
 * {@link DashboardAssetsError} when a file is missing.
 *
 * @example
 * const assets = loadDashboardAssets();
 * assets.get('/dashboard/vendor/uPlot.iife.min.js')?.contentType; // 'text/javascript; charset=utf-8'
 */
export function loadDashboardAssets(): ReadonlyMap<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  const dir = staticDirectory();
  for (const [path, file, contentType] of STATIC_FILES) {
    assets.set(path, asset(path, readFileSync(join(dir, file)), contentType));
  }
  for (const [path, specifier, contentType] of VENDOR_FILES) {
    assets.set(path, asset(path, readVendorFile(specifier), contentType));
  }
  return assets;
}

/** A file of an installed package, e.g. `uplot/dist/uPlot.min.css`. */
function readVendorFile(specifier: string): Buffer {
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve(specifier);
  } catch {
    throw new DashboardAssetsError(
      `Dashboard dependency not found: ${specifier}. Install the package's dependencies (npm install) — uplot must be present.`,
    );
  }
  return readFileSync(file);
}

/**
 * uPlot's browser build and stylesheet, from the installed package (the files the dashboard
 * serves), for pages that inline them (`plan --html`).
 *
 * @throws DashboardAssetsError when uplot is not installed.
 */
export function readUplotBrowserBuild(): { js: string; css: string } {
  const [js, css] = VENDOR_FILES.map(([, specifier]) => readVendorFile(specifier).toString('utf8'));
  return { js: js!, css: css! };
}
