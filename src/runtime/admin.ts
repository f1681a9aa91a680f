/**
 * The operator's actions on a pipeline — list, show and redrive dead letters, replay the archive
 * — and their HTTP endpoints on a running runtime (`/admin/*`).
 *
 * How `genesys-pipeline dlq` and `replay` reach a pipeline: when a runtime holds the data
 * directory's lock, they call its admin endpoints (its one connection does the writes inside its
 * group commit: no second writer waiting for SQLite's write lock, which a busy runtime holds
 * almost all the time); otherwise they take the lock themselves and open the database directly.
 *
 * | route | body | answer |
 * | --- | --- | --- |
 * | `GET /admin/dlq?kind=…&limit=N` | | `{ deadLetters, counts }` |
 * | `GET /admin/dlq/<id>` | | the dead letter with its body |
 * | `POST /admin/dlq/redrive` | `{ ids?, kinds?, includeInvalid? }` | `{ redriven, skipped }` |
 * | `POST /admin/replay` | `{ from, to }` (ISO 8601) | the replay's outcome |
 *
 * The two long actions, redrive and replay, report their progress to a client that asks with
 * `Accept: application/x-ndjson`: the answer is then a stream of JSON lines — `{"progress":
 * {done, total, accepted?, rejected?}}` at most ten times a second, then `{"result": …}` or, when the
 * action failed after it started, `{"error": {status, message}}`. A request refused before the
 * action starts (bad body, unknown id) gets its plain JSON error and status, as without progress.
 *
 * Writes need `Content-Type: application/json` (a cross-site form cannot send it without a CORS
 * preflight, which the runtime never grants); every route needs the bearer token when the runtime
 * has one, and without one only loopback `Host` names are accepted (no DNS rebinding).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReplayResult } from '../eventbridge/index.js';
import { isLoopbackHostHeader } from '../shared/index.js';
import { AdminRequestError, DeadLetterNotFoundError } from './errors.js';
import { BearerToken } from './auth.js';
import { DEAD_LETTER_KINDS, PipelineDeadLetters } from './dead-letters.js';
import type {
  AdminActionOptions,
  AdminProgress,
  DeadLetterDetail,
  DeadLetterKind,
  DeadLetterSummary,
  RedriveRequest,
  RedriveResult,
} from './dead-letters.js';
import { PIPELINE_RESOURCES } from './pipeline.js';
import type { LocalPipeline } from './pipeline.js';

/** The answer of a dead-letter listing. */
export interface DeadLetterListing {
  deadLetters: DeadLetterSummary[];
  counts: Record<DeadLetterKind, number>;
}

/**
 * The actions, on an open pipeline. Each write waits for the group commit that stores it.
 *
 * @example
 * const admin = new PipelineAdmin(pipeline);
 * await admin.replay({ from: '2026-01-01T12:00:00Z', to: '2026-01-01T13:00:00Z' });
 */
export class PipelineAdmin {
  readonly deadLetters: PipelineDeadLetters;

  constructor(private readonly pipeline: LocalPipeline) {
    this.deadLetters = new PipelineDeadLetters(pipeline);
  }

  listDeadLetters(options: { kinds?: readonly DeadLetterKind[]; limit?: number } = {}): DeadLetterListing {
    return { deadLetters: this.deadLetters.list(options), counts: this.deadLetters.counts() };
  }

  showDeadLetter(id: string): DeadLetterDetail {
    return this.deadLetters.show(id);
  }

  async redrive(request: RedriveRequest, options: AdminActionOptions = {}): Promise<RedriveResult> {
    const result = await this.deadLetters.redrive(request, options);
    await this.pipeline.commits.barrier();
    return result;
  }

  /**
   * Re-sends the archived events whose `time` is in [from, to) through the rule (EventBridge
   * `StartReplay`). Events already processed are recognised by their idempotency key and skipped
   * (counted as duplicates): replaying changes nothing that was already applied.
   */
  async replay(
    input: {
      from: string | number | Date;
      to: string | number | Date;
      name?: string;
    },
    options: AdminActionOptions = {},
  ): Promise<ReplayResult> {
    const from = toTime(input.from, 'from');
    const to = toTime(input.to, 'to');
    if (!(from < to))
      throw new AdminRequestError(
        `"from" (${new Date(from).toISOString()}) must be before "to" (${new Date(to).toISOString()}).`,
      );
    const name =
      input.name ??
      `replay-${new Date()
        .toISOString()
        .replace(/[^0-9]/g, '')
        .slice(0, 17)}-${Math.random().toString(36).slice(2, 8)}`;
    const onProgress = options.onProgress;
    const result = await this.pipeline.eventBridge.replay(
      {
        ReplayName: name,
        EventBusName: this.pipeline.options.busName,
        EventStartTime: from,
        EventEndTime: to,
        Rules: [PIPELINE_RESOURCES.rule],
      },
      onProgress ? { onProgress: (p) => onProgress({ done: p.events, total: p.total, accepted: p.deliveries }) } : {},
    );
    await this.pipeline.commits.barrier();
    return result;
  }
}

function toTime(value: unknown, name: string): number {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value
        : typeof value === 'string'
          ? Date.parse(value)
          : Number.NaN;
  if (!Number.isFinite(ms))
    throw new AdminRequestError(
      `"${name}" must be an ISO 8601 date-time such as 2026-01-01T12:00:00Z; got ${JSON.stringify(value)}.`,
    );
  return ms;
}

/** Handles `/admin/*` requests; resolves `false` for other paths. */
type AdminRoutes = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const MAX_BODY = 64 * 1024;

/**
 * @example
 * const admin = createAdminRoutes({ admin: new PipelineAdmin(pipeline), token, isDraining: () => draining });
 * if (await admin(req, res)) return;
 */
export function createAdminRoutes(options: {
  admin: PipelineAdmin;
  token?: string;
  isDraining?: () => boolean;
}): AdminRoutes {
  const auth = options.token === undefined ? undefined : new BearerToken(options.token);
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/admin' && !url.pathname.startsWith('/admin/')) return false;
    try {
      if (auth) {
        const verdict = auth.check(req);
        if (verdict !== 'ok') {
          res.setHeader(
            'WWW-Authenticate',
            `Bearer realm="genesys-pipeline"${verdict === 'wrong' ? ', error="invalid_token"' : ''}`,
          );
          return sendJson(res, 401, {
            error: 'unauthorized',
            message: 'This runtime requires its token: pass --token (or set GENESYS_PIPELINE_TOKEN).',
          });
        }
      } else if (!isLoopbackHostHeader(req.headers.host)) {
        return sendJson(res, 403, {
          error: 'forbidden',
          message:
            'Without a token the admin routes answer only requests addressed to a loopback name (localhost, 127.0.0.1, [::1]).',
        });
      }
      if (options.isDraining?.())
        return sendJson(res, 503, {
          error: 'shutting_down',
          message: 'The runtime is shutting down; run the command again once it has stopped.',
        });
      const path = url.pathname;
      if (req.method === 'GET' && path === '/admin/dlq') {
        const kinds = url.searchParams.getAll('kind');
        for (const k of kinds)
          if (!(DEAD_LETTER_KINDS as readonly string[]).includes(k))
            throw new AdminRequestError(
              `kind must be one of ${DEAD_LETTER_KINDS.join(', ')}; got "${k.slice(0, 40)}".`,
            );
        const limit = url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : 1000;
        if (!Number.isInteger(limit) || limit < 1) throw new AdminRequestError('limit must be a whole number ≥ 1.');
        return sendJson(
          res,
          200,
          options.admin.listDeadLetters({ ...(kinds.length ? { kinds: kinds as DeadLetterKind[] } : {}), limit }),
        );
      }
      if (req.method === 'GET' && path.startsWith('/admin/dlq/')) {
        const raw = path.slice('/admin/dlq/'.length);
        let id: string;
        try {
          id = decodeURIComponent(raw);
        } catch {
          throw new AdminRequestError(
            `The dead-letter id in the path is not valid percent-encoding: "${raw.slice(0, 80)}". Encode the id with encodeURIComponent (ids look like failed/process#…, queue/<message id>).`,
          );
        }
        return sendJson(res, 200, options.admin.showDeadLetter(id));
      }
      if (req.method === 'POST' && (path === '/admin/dlq/redrive' || path === '/admin/replay')) {
        const body = await readJson(req);
        const action = (o: AdminActionOptions): Promise<unknown> =>
          path === '/admin/replay'
            ? options.admin.replay(body as { from: string; to: string }, o)
            : options.admin.redrive(body as RedriveRequest, o);
        if (wantsProgress(req)) return await streamWithProgress(res, action);
        return sendJson(res, 200, await action({}));
      }
      return sendJson(res, 404, { error: 'not_found', message: `No admin route ${req.method ?? ''} ${path}.` });
    } catch (error) {
      if (error instanceof DeadLetterNotFoundError)
        return sendJson(res, 404, { error: 'not_found', message: error.message });
      const e = error as { name?: string; message?: string; httpStatus?: number };
      if (error instanceof AdminRequestError || (typeof e?.httpStatus === 'number' && e.httpStatus < 500))
        return sendJson(res, 400, { error: 'bad_request', message: e.message });
      console.error('genesys-pipeline: admin request failed:', error);
      return sendJson(res, 500, {
        error: 'internal',
        message: `The admin request failed: ${e?.message ?? String(error)}`,
      });
    }
  };
}

/** Media type of an answer streamed with progress (see the module comment). */
export const PROGRESS_STREAM_TYPE = 'application/x-ndjson';

/** A line of a progress stream. */
export type ProgressStreamLine =
  { progress: AdminProgress } | { result: unknown } | { error: { status: number; error: string; message: string } };

/** Least time between two progress lines, ms (the last state is always sent before the result). */
const PROGRESS_LINE_INTERVAL_MS = 100;

function wantsProgress(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').split(',').some((t) => t.split(';')[0]!.trim() === PROGRESS_STREAM_TYPE);
}

/**
 * Runs `action`, streaming its progress as JSON lines, then its result. The status line is sent
 * with the first progress line: an action that fails before reporting any (bad request, unknown
 * id) still answers with its own status.
 */
async function streamWithProgress(
  res: ServerResponse,
  action: (options: AdminActionOptions) => Promise<unknown>,
): Promise<true> {
  let pending: AdminProgress | undefined;
  let lastSentAt = 0;
  const send = (line: ProgressStreamLine): void => {
    if (!res.headersSent)
      res.writeHead(200, { 'content-type': `${PROGRESS_STREAM_TYPE}; charset=utf-8`, 'cache-control': 'no-store' });
    res.write(`${JSON.stringify(line)}\n`);
  };
  const flush = (): void => {
    if (pending === undefined) return;
    send({ progress: pending });
    pending = undefined;
    lastSentAt = Date.now();
  };
  let result: unknown;
  try {
    result = await action({
      onProgress: (progress) => {
        pending = progress;
        if (Date.now() - lastSentAt >= PROGRESS_LINE_INTERVAL_MS) flush();
      },
    });
  } catch (error) {
    if (!res.headersSent) throw error;
    const e = error as { message?: string };
    send({
      error: { status: 500, error: 'internal', message: `The admin request failed: ${e?.message ?? String(error)}` },
    });
    res.end();
    return true;
  }
  flush();
  send({ result });
  res.end();
  return true;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    throw new AdminRequestError('Send the request body as JSON with Content-Type: application/json.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new AdminRequestError(`The request body is over ${MAX_BODY} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const value = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value;
  } catch {
    throw new AdminRequestError('The request body must be a JSON object.');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): true {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
  return true;
}
