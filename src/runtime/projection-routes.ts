/**
 * The read routes of the projections besides conversations, answered as `{ status, body }` for
 * `createHttpRoutes` to send:
 *
 * | route | answer |
 * | --- | --- |
 * | `GET /api/agents` | `{ agents, count, statusCounts }`: every user's current presence and routing status with since-when |
 * | `GET /api/agents/:userId?from=&to=` | the user's current state, history (with durations) and `timeInStates` over `[from, to]` (default: the whole history, until now) |
 * | `GET /api/audits?entityType=&entityId=&userId=&from=&to=&limit=` | `{ audits, count }`, newest first |
 * | `GET /api/conversations/:id/transcript` | `{ conversationId, utterances }` in spoken order (404 when none) |
 * | `GET /api/events?topic=&entityId=&from=&to=&limit=` | `{ events, count }`: events of topics without a typed model, newest first |
 *
 * `from` and `to` are ISO 8601 times or epoch milliseconds. Bad parameters get a 400 that says
 * what is wrong.
 */
import { timeInStates } from '../processing/agent-state.js';
import type { AuditQuery } from '../processing/audit-log.js';
import type { GenericEventQuery } from '../processing/generic-events.js';
import type { ProjectionQueries } from '../processing/stores/projection-queries.js';

export type { ProjectionQueries };

/** What a route answers. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

/** Largest `limit` of the list routes. */
export const MAX_LIST_LIMIT = 1000;
/** `limit` when the request gives none. */
export const DEFAULT_LIST_LIMIT = 100;

/** 1–128 characters of an id in a path or a parameter (Genesys ids are UUIDs; audit entity types are words). */
const ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** A generic topic name in a parameter. */
const TOPIC = /^v2\.[A-Za-z0-9_{}.-]{1,250}$/;

const TRANSCRIPT = /^\/api\/conversations\/([^/]+)\/transcript$/;

/** True when `path` is one of these routes. */
export function isProjectionRoute(path: string): boolean {
  return (
    path === '/api/agents' ||
    path.startsWith('/api/agents/') ||
    path === '/api/audits' ||
    path === '/api/events' ||
    TRANSCRIPT.test(path)
  );
}

/**
 * Answers one of the routes (see the module comment); `undefined` queries: 404 (the runtime has
 * no such projection).
 */
export async function projectionRoute(url: URL, queries: ProjectionQueries | undefined): Promise<RouteAnswer> {
  if (queries === undefined)
    return notFound('This runtime serves no projections of agents, audits, transcripts or events.');
  const path = url.pathname;
  const params = url.searchParams;
  try {
    if (path === '/api/agents') {
      only(params, []);
      const [agents, statusCounts] = await Promise.all([queries.listAgents(), queries.agentStatusCounts()]);
      return ok({ agents, count: agents.length, statusCounts });
    }
    if (path.startsWith('/api/agents/')) {
      only(params, ['from', 'to']);
      const userId = pathId(path.slice('/api/agents/'.length), 'user id in /api/agents/:userId');
      const agent = await queries.getAgent(userId);
      if (agent === undefined)
        return notFound(
          `No agent ${userId}: no presence, routing status or activity event of this user has been processed.`,
        );
      const from = time(params, 'from') ?? agent.history[0]?.since ?? 0;
      const to = time(params, 'to') ?? Date.now();
      if (to < from) throw new BadRequest('to must not be before from.');
      return ok({ ...agent, timeInStates: { from, to, ...timeInStates(agent.history, from, to) } });
    }
    if (path === '/api/audits') {
      only(params, ['entityType', 'entityId', 'userId', 'from', 'to', 'limit']);
      if (params.has('entityId') && !params.has('entityType'))
        throw new BadRequest(
          'entityId needs entityType (an audit entity is a type and an id, e.g. entityType=Queue&entityId=…).',
        );
      const query: AuditQuery = { limit: limit(params) };
      for (const name of ['entityType', 'entityId', 'userId'] as const) {
        const value = idParam(params, name);
        if (value !== undefined) query[name] = value;
      }
      addRange(query, params);
      const audits = await queries.queryAudits(query);
      return ok({ audits, count: audits.length });
    }
    if (path === '/api/events') {
      only(params, ['topic', 'entityId', 'from', 'to', 'limit']);
      const query: GenericEventQuery = { limit: limit(params) };
      const topic = params.get('topic');
      if (topic !== null) {
        if (!TOPIC.test(topic))
          throw new BadRequest(
            `topic must be a generic Genesys topic name such as v2.operations.events.{id} (got "${topic.slice(0, 60)}").`,
          );
        query.topic = topic;
      }
      const entityId = idParam(params, 'entityId');
      if (entityId !== undefined) query.entityId = entityId;
      addRange(query, params);
      const events = await queries.queryEvents(query);
      return ok({ events, count: events.length });
    }
    const match = TRANSCRIPT.exec(path)!;
    only(params, []);
    const conversationId = pathId(match[1]!, 'conversation id in /api/conversations/:id/transcript');
    const transcript = await queries.getTranscript(conversationId);
    if (transcript === undefined)
      return notFound(
        `No transcript of conversation ${conversationId}: no transcription event of it has been processed.`,
      );
    return ok(transcript);
  } catch (error) {
    if (error instanceof BadRequest) return { status: 400, body: { error: 'bad_request', message: error.message } };
    throw error;
  }
}

class BadRequest extends Error {}

function ok(body: unknown): RouteAnswer {
  return { status: 200, body };
}

function notFound(message: string): RouteAnswer {
  return { status: 404, body: { error: 'not_found', message } };
}

function only(params: URLSearchParams, allowed: readonly string[]): void {
  for (const name of params.keys()) {
    if (!allowed.includes(name))
      throw new BadRequest(
        `Unknown query parameter "${name.slice(0, 40)}"${allowed.length ? `; use ${allowed.join(', ')}` : '; this route takes none'}.`,
      );
  }
}

function pathId(raw: string, what: string): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    id = '';
  }
  if (!ID.test(id)) throw new BadRequest(`The ${what} must be 1–128 letters, digits, ".", "_", ":" or "-".`);
  return id;
}

function idParam(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (!ID.test(value))
    throw new BadRequest(`${name} must be 1–128 letters, digits, ".", "_", ":" or "-" (got "${value.slice(0, 40)}").`);
  return value;
}

function limit(params: URLSearchParams): number {
  const raw = params.get('limit');
  if (raw === null) return DEFAULT_LIST_LIMIT;
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= MAX_LIST_LIMIT))
    throw new BadRequest(`limit must be a whole number from 1 to ${MAX_LIST_LIMIT} (got "${raw.slice(0, 40)}").`);
  return n;
}

function time(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const ms = /^\d{1,15}$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms))
    throw new BadRequest(
      `${name} must be an ISO 8601 time (e.g. 2026-01-01T09:00:00Z) or epoch milliseconds (got "${raw.slice(0, 40)}").`,
    );
  return ms;
}

function addRange(query: { from?: number; to?: number }, params: URLSearchParams): void {
  const from = time(params, 'from');
  const to = time(params, 'to');
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = to;
  if (from !== undefined && to !== undefined && to < from) throw new BadRequest('to must not be before from.');
}
