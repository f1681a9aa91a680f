/**
 * Serves the dashboard: the page at `/` and its files under `/dashboard/`, from memory, with
 * headers that lock the page to its own origin (strict Content-Security-Policy, no framing, no
 * sniffing, no referrer). Authentication and method checks are the caller's (see
 * `src/runtime/http-routes.ts`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadDashboardAssets } from './assets.js';
import type { DashboardAsset } from './assets.js';

/**
 * The page's Content-Security-Policy: scripts, styles, images and fetches from this origin only;
 * no inline code, no plugins, no forms, no framing.
 */
const DASHBOARD_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The dashboard's files, served by URL path. */
export interface DashboardHandler {
  /** Whether `pathname` belongs to the dashboard: `/` or anything under `/dashboard/`. */
  owns(pathname: string): boolean;
  /** Answers a GET or HEAD of a dashboard path: the file (or 304 when unchanged), else 404. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): void;
}

/**
 * Loads the dashboard's files (once; throws `DashboardAssetsError` when they are missing) and
 * returns the handler serving them.
 *
 * @example
 * const dashboard = createDashboardHandler();
 * http.createServer((req, res) => {
 *   const { pathname } = new URL(req.url ?? '/', 'http://localhost');
 *   if (dashboard.owns(pathname)) dashboard.serve(req, res, pathname);
 * });
 */
export function createDashboardHandler(): DashboardHandler {
  const assets = loadDashboardAssets();
  return {
    owns: (pathname) => pathname === '/' || pathname.startsWith('/dashboard/'),
    serve(req, res, pathname) {
      const found = assets.get(pathname);
      if (found === undefined) {
        sendNotFound(req, res, pathname);
        return;
      }
      sendAsset(req, res, found);
    },
  };
}

function sendAsset(req: IncomingMessage, res: ServerResponse, file: DashboardAsset): void {
  const page = file.path === '/';
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // The page is behind the token: never store it. Its files revalidate (cheap: ETag → 304).
  res.setHeader('Cache-Control', page ? 'no-store' : 'no-cache');
  if (page) {
    res.setHeader('Content-Security-Policy', DASHBOARD_CONTENT_SECURITY_POLICY);
    res.setHeader('X-Frame-Options', 'DENY');
  } else {
    res.setHeader('ETag', file.etag);
    if (etagMatches(req.headers['if-none-match'], file.etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
  }
  res.setHeader('Content-Length', file.body.length);
  res.statusCode = 200;
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function sendNotFound(req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const body = Buffer.from(`Not found: ${pathname.slice(0, 200)} is not a dashboard file.\n`);
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}
