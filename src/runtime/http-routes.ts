/**
 * The read-only HTTP routes of the local runtime, on the same port as PutEvents (`POST /`, which
 * is not handled here):
 *
 * | route | answer |
 * | --- | --- |
 * | `GET /` | the live dashboard (page, then its files under `/dashboard/`) |
 * | `GET /api/stats` | {@link PipelineStats} JSON |
 * | `GET /api/conversations/:id` | one conversation projection (404 when unknown) |
 * | `GET /api/conversations?state=active&limit=N` | `{ conversations, count, state, limit }` |
 * | `GET /api/agents`, `/api/agents/:userId`, `/api/audits`, `/api/conversations/:id/transcript`, `/api/events` | the projections of the other families (`projection-routes.ts`) |
 * | `GET /api/directory[/:kind[/:id]]` | the Genesys directory's status, entries, one entry (see `directory-routes.ts`) |
 * | `GET /metrics` | Prometheus text exposition |
 *
 * GET and HEAD only (405 with `Allow` otherwise); unknown `/api/*` paths get a 404 JSON body.
 * With a token configured, every route needs it: `Authorization: Bearer <token>`, or the
 * dashboard's session cookie, which `GET /?token=<token>` sets (then redirects to `/`, so the
 * token leaves the address bar). Tokens are compared in constant time and never logged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDashboardHandler } from '../dashboard/index.js';
import { CONVERSATION_STATES } from '../processing/stores/conversation-queries.js';
import type {
  ConversationListQuery,
  ConversationQueries,
  ConversationState,
} from '../processing/stores/conversation-queries.js';
import type { PipelineStats, PipelineTelemetry } from '../telemetry/index.js';
import { isProjectionRoute, projectionRoute } from './projection-routes.js';
import type { ProjectionQueries } from './projection-routes.js';
import { DASHBOARD_SESSION_COOKIE, DashboardAccess } from './auth.js';
import { directoryAnswer } from './directory-routes.js';
import type { DirectoryReader } from './directory-routes.js';

/** Largest `limit` of `GET /api/conversations`. */
const MAX_CONVERSATION_LIMIT = 1000;
/** `limit` of `GET /api/conversations` when the request gives none. */
const DEFAULT_CONVERSATION_LIMIT = 50;

/** What the routes read from telemetry (a {@link PipelineTelemetry} has all of it). */
type TelemetryReader = Pick<PipelineTelemetry, 'snapshot' | 'metrics' | 'metricsContentType'>;

/** Options of {@link createHttpRoutes}. */
export interface HttpRoutesOptions {
  /** Source of `/api/stats` and `/metrics`. */
  telemetry: TelemetryReader;
  /** Source of `/api/conversations…`; without it those routes answer 404. */
  conversations?: ConversationQueries;
  /** Source of `/api/agents…`, `/api/audits`, `/api/conversations/:id/transcript`, `/api/events`; without it they answer 404. */
  projections?: ProjectionQueries;
  /** Source of `/api/directory…` (the Genesys directory); without it those routes answer 404. */
  directory?: DirectoryReader;
  /** When set, every route requires this bearer token (or the dashboard cookie it grants). */
  token?: string;
  /**
   * Called with an unexpected error (a failing conversation store, a bug) after a 500 was sent;
   * the response body only says that it failed. Default: ignore.
   */
  onError?: (error: unknown, request: { method: string; path: string }) => void;
}

/**
 * Handles one request if it is one of these routes: answers it and resolves `true`; otherwise
 * leaves it alone and resolves `false` (e.g. `POST /`, PutEvents).
 */
type HttpRoutes = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const ALLOW = 'GET, HEAD';
const REALM = 'genesys-pipeline';
const CONVERSATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Creates the route handler the runtime's HTTP server calls first for every request.
 *
 * @example
 * const routes = createHttpRoutes({ telemetry, conversations, token: options.token });
 * const server = http.createServer(async (req, res) => {
 *   if (await routes(req, res)) return;
 *   await putEvents(req, res); // POST /
 * });
 */
export function createHttpRoutes(options: HttpRoutesOptions): HttpRoutes {
  if (options.token !== undefined && options.token.length === 0) {
    throw new RangeError('createHttpRoutes: token must not be empty; omit it to serve without authentication.');
  }
  const dashboard = createDashboardHandler();
  const auth = options.token === undefined ? undefined : new DashboardAccess(options.token);

  return async (req, res) => {
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return false;
    }
    const path = url.pathname;
    const isApi = path === '/api' || path.startsWith('/api/');
    const ours = isApi || path === '/metrics' || dashboard.owns(path);
    if (!ours) return false;
    // `/` is shared with PutEvents (POST): only its reads are ours.
    if (path === '/' && method !== 'GET' && method !== 'HEAD') return false;

    try {
      if (auth !== undefined) {
        if (path === '/' && url.searchParams.has('token')) {
          if (auth.bearer.matches(url.searchParams.get('token') ?? '')) {
            startDashboardSession(res, auth.sessionValue);
          } else {
            sendUnauthorized(req, res, true, 'The token in the link is not this runtime’s token.');
          }
          return true;
        }
        const verdict = auth.check(req);
        if (verdict !== 'ok') {
          sendUnauthorized(
            req,
            res,
            verdict === 'wrong',
            verdict === 'wrong' ? 'The bearer token is not this runtime’s token.' : undefined,
          );
          return true;
        }
      }
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('Allow', ALLOW);
        sendJson(req, res, 405, {
          error: 'method_not_allowed',
          message: `${method} is not allowed on ${path}; use GET or HEAD.`,
        });
        return true;
      }
      if (dashboard.owns(path)) {
        dashboard.serve(req, res, path);
      } else if (path === '/metrics') {
        sendText(req, res, 200, await options.telemetry.metrics(), options.telemetry.metricsContentType);
      } else if (path === '/api/stats') {
        const stats: PipelineStats = await options.telemetry.snapshot();
        sendJson(req, res, 200, stats);
      } else if (isProjectionRoute(path)) {
        const answer = await projectionRoute(url, options.projections);
        sendJson(req, res, answer.status, answer.body);
      } else if (path === '/api/conversations' || path.startsWith('/api/conversations/')) {
        await conversationRoute(req, res, url, options.conversations);
      } else if (path === '/api/directory' || path.startsWith('/api/directory/')) {
        const answer = directoryAnswer(path, options.directory);
        sendJson(req, res, answer.status, answer.body);
      } else {
        sendJson(req, res, 404, {
          error: 'not_found',
          message: `No API route ${path}. Routes: /api/stats, /api/conversations, /api/conversations/:id, /api/conversations/:id/transcript, /api/agents, /api/agents/:userId, /api/audits, /api/events, /api/directory.`,
        });
      }
    } catch (error) {
      options.onError?.(error, { method, path });
      if (!res.headersSent)
        sendJson(req, res, 500, { error: 'internal', message: `Reading ${path} failed; see the runtime's log.` });
      else res.destroy();
    }
    return true;
  };
}

async function conversationRoute(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  conversations: ConversationQueries | undefined,
): Promise<void> {
  if (conversations === undefined) {
    sendJson(req, res, 404, { error: 'not_found', message: 'This runtime serves no conversation projection.' });
    return;
  }
  if (url.pathname === '/api/conversations') {
    const query = parseListQuery(url.searchParams);
    if (typeof query === 'string') {
      sendJson(req, res, 400, { error: 'bad_request', message: query });
      return;
    }
    const found = await conversations.list(query);
    sendJson(req, res, 200, {
      conversations: found,
      count: found.length,
      state: query.state ?? null,
      limit: query.limit,
    });
    return;
  }
  const raw = url.pathname.slice('/api/conversations/'.length);
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    id = '';
  }
  if (!CONVERSATION_ID.test(id)) {
    sendJson(req, res, 400, {
      error: 'bad_request',
      message:
        'The conversation id in /api/conversations/:id must be 1–128 letters, digits, ".", "_", ":" or "-" (a Genesys conversation id is a UUID).',
    });
    return;
  }
  const conversation = await conversations.get(id);
  if (conversation === undefined || conversation === null) {
    sendJson(req, res, 404, {
      error: 'not_found',
      message: `No conversation ${id} in the projection (none of its events has been processed).`,
    });
    return;
  }
  sendJson(req, res, 200, conversation);
}

/** The list query, or a message saying what is wrong with it. */
function parseListQuery(params: URLSearchParams): ConversationListQuery | string {
  for (const name of params.keys()) {
    if (name !== 'state' && name !== 'limit')
      return `Unknown query parameter "${name.slice(0, 40)}" on /api/conversations; use state and limit.`;
  }
  const query: ConversationListQuery = { limit: DEFAULT_CONVERSATION_LIMIT };
  const state = params.get('state');
  if (state !== null) {
    if (!(CONVERSATION_STATES as readonly string[]).includes(state)) {
      return `state must be one of ${CONVERSATION_STATES.join(', ')} (got "${state.slice(0, 40)}").`;
    }
    query.state = state as ConversationState;
  }
  const limit = params.get('limit');
  if (limit !== null) {
    const n = /^\d{1,7}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(n >= 1 && n <= MAX_CONVERSATION_LIMIT))
      return `limit must be a whole number from 1 to ${MAX_CONVERSATION_LIMIT} (got "${limit.slice(0, 40)}").`;
    query.limit = n;
  }
  return query;
}

/**
 * Sets the session cookie and sends the browser to `/` without the token in the URL. `HttpOnly`
 * keeps it from scripts; `SameSite=Lax` sends it on a top-level navigation (a link opened from
 * a chat) but never on cross-site subrequests. No `Secure`: the runtime serves plain HTTP.
 */
function startDashboardSession(res: ServerResponse, value: string): void {
  res.statusCode = 303;
  res.setHeader('Set-Cookie', `${DASHBOARD_SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax`);
  res.setHeader('Location', '/');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Length', 0);
  res.end();
}

function sendUnauthorized(req: IncomingMessage, res: ServerResponse, wrongToken: boolean, detail?: string): void {
  res.setHeader(
    'WWW-Authenticate',
    wrongToken ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`,
  );
  const message =
    (detail ? `${detail} ` : 'This runtime requires its access token. ') +
    'Send "Authorization: Bearer <token>", or open the dashboard once with /?token=<token> (the URL "genesys-pipeline run" prints).';
  const wantsPage =
    new URL(req.url ?? '/', 'http://localhost').pathname === '/' && (req.headers.accept ?? '').includes('text/html');
  if (wantsPage) {
    const html = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Access token required</title><h1>Access token required</h1><p>${escapeHtml(message)}</p></html>\n`;
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    sendText(req, res, 401, html, 'text/html; charset=utf-8');
    return;
  }
  sendJson(req, res, 401, { error: 'unauthorized', message });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  sendText(req, res, status, `${JSON.stringify(body)}\n`, 'application/json; charset=utf-8');
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string, contentType: string): void {
  const body = Buffer.from(text, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', body.length);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.end(req.method === 'HEAD' ? undefined : body);
}
