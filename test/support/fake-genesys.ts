/**
 * A faithful fake of the Genesys Cloud Platform API parts the setup uses, on real HTTP
 * (127.0.0.1, port 0). Login and API share one server: use `fake.url` as both base URLs.
 *
 * It enforces the documented shapes (official SDK models, CX-as-Code provider):
 * - `POST /oauth/token`: Basic auth of a known client, `grant_type=client_credentials` form body;
 *   answers `{ access_token, token_type: "bearer", expires_in }`. Tokens expire.
 * - every `/api/v2` call needs a valid, unexpired bearer token (else 401 `bad.credentials`).
 * - `GET /api/v2/integrations`: paginated (`pageSize`, `pageNumber` → `entities`, `pageSize`,
 *   `pageNumber`, `total`, `pageCount`).
 * - `POST /api/v2/integrations`: exactly `{ name, integrationType: { id } }`; only the
 *   `amazon-eventbridge-source` type exists here.
 * - `PUT …/config/current`: exactly `{ name, version, properties, advanced, notes, credentials }`;
 *   a stale `version` is 409; property names other than the four EventBridge ones are 400;
 *   property values are checked; topics must be available to EventBridge.
 * - `PATCH /api/v2/integrations/{id}`: `{ intendedState }` (ENABLED/DISABLED).
 * - `GET /api/v2/organizations/me`, `GET /api/v2/notifications/availabletopics` (`transports`
 *   only with `expand=transports`).
 * - The directory's listings (SDK `RoutingApi`, `UsersApi`, `AuthorizationApi`, `ArchitectApi`,
 *   `PresenceApi`): `GET /api/v2/routing/queues`, `/api/v2/users` (`state`, default active),
 *   `/api/v2/routing/wrapupcodes`, `/api/v2/authorization/divisions`, `/api/v2/flows`, paginated
 *   like the integrations and filtered by repeated `id` parameters; `GET /api/v2/flows/lookup?id=…`;
 *   `GET /api/v2/presence/definitions` (not paged; `deactivated=true|false`). Each checks its
 *   permission: a permission in `missingPermissions` answers 403 `missing.permissions`.
 * Every answer carries an `ININ-Correlation-Id` header; error bodies are Genesys `ErrorBody`s
 * whose `contextId` is that id.
 *
 * Faults are injected per call (`fault(...)`): 429 with `Retry-After`, 5xx, 409 version
 * conflicts (a concurrent writer bumps the version), 403 with Genesys's body, 401 (revoked
 * token), connection resets, slow answers, and an error that echoes the Authorization header
 * (for secret-leak tests). With `afterProcessing` the request takes effect before the fault.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { listenOnLoopback, readBody } from './http-server.js';
import type { LoopbackServer } from './http-server.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GENERIC_CONVERSATION_TOPICS } from '../../src/events/topics.js';

/** An available notification topic. */
export interface FakeTopic {
  id: string;
  description?: string;
  transports: string[];
}

/** A stored integration. */
export interface FakeIntegration {
  id: string;
  name: string;
  integrationType: { id: string; name?: string };
  notes: string;
  intendedState: 'ENABLED' | 'DISABLED';
  config: {
    name: string;
    version: number;
    properties: Record<string, unknown>;
    advanced: Record<string, unknown>;
    notes: string;
    credentials: Record<string, unknown>;
  };
}

/** A directory object the fake serves (fields as the SDK models name them). */
export interface FakeDirectoryObject {
  id: string;
  name: string;
  divisionId?: string;
  /** Users: `email`, `state` (`active`, `inactive`, `deleted`). */
  email?: string;
  state?: 'active' | 'inactive' | 'deleted';
  /** Flows: `type`, e.g. `INBOUNDCALL`. */
  type?: string;
  /** Divisions. */
  homeDivision?: boolean;
  /** Presence definitions. */
  systemPresence?: string;
  languageLabels?: Record<string, string>;
  deactivated?: boolean;
}

/** The fake org's directory, by resource. */
export interface FakeDirectory {
  queues: Map<string, FakeDirectoryObject>;
  users: Map<string, FakeDirectoryObject>;
  wrapupCodes: Map<string, FakeDirectoryObject>;
  divisions: Map<string, FakeDirectoryObject>;
  flows: Map<string, FakeDirectoryObject>;
  presenceDefinitions: Map<string, FakeDirectoryObject>;
}

/** One request as received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Every value of each query parameter (a repeated `id=…&id=…` in full). */
  queryAll: Record<string, string[]>;
  body?: unknown;
  /** The answer's status, or 0 when the connection was reset. */
  status: number;
  auth: 'basic' | 'bearer' | 'none';
}

/** What to do to a matching request instead of (or after) serving it. */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; afterProcessing?: boolean }
  | { kind: 'forbidden'; permission: string }
  | { kind: 'conflict' }
  | { kind: 'unauthorized' }
  | { kind: 'reset'; afterProcessing?: boolean }
  | { kind: 'delay'; ms: number }
  | { kind: 'echo-auth' };

/** Which requests a fault applies to. */
export interface FaultMatch {
  method?: string;
  /** Exact path, or a pattern tested against the path. */
  path?: string | RegExp;
}

export interface FakeGenesysOptions {
  clientId?: string;
  clientSecret?: string;
  orgId?: string;
  orgName?: string;
  /** `expires_in` of issued tokens, seconds. Default 86400. */
  tokenLifetimeSeconds?: number;
  topics?: FakeTopic[];
}

/** The default topic catalogue: the 16 conversation detail topics (EventBridge only) and a few others. */
export const DEFAULT_FAKE_TOPICS: FakeTopic[] = [
  ...GENERIC_CONVERSATION_TOPICS.map((id) => ({
    id,
    description: `Analytics detail event ${id.split('.{id}.')[1]}`,
    transports: ['EventBridge'],
  })),
  { id: 'v2.users.{id}.presence', description: 'Presence of a user', transports: ['All'] },
  { id: 'v2.routing.queues.{id}.conversations', description: 'Conversations of a queue', transports: ['All'] },
  { id: 'v2.audits.entitytype.{id}.entityid.{id}', description: 'Audit events', transports: ['All'] },
  // A topic the fake offers over WebSocket only, to exercise the "not available to EventBridge" path.
  {
    id: 'v2.conversations.chats.{id}.messages',
    description: 'Chat messages (fixture: WebSocket only)',
    transports: ['Websocket'],
  },
];

const EVENTBRIDGE_TYPE = 'amazon-eventbridge-source';
const CONFIG_KEYS = new Set(['name', 'version', 'properties', 'advanced', 'notes', 'credentials']);
const PROPERTY_KEYS = new Set(['awsAccountId', 'awsAccountRegion', 'eventSourceSuffix', 'eventFilter']);

/** A running fake. */
export class FakeGenesys {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly orgId: string;
  readonly orgName: string;
  tokenLifetimeSeconds: number;
  topics: FakeTopic[];
  readonly integrations = new Map<string, FakeIntegration>();
  readonly requests: RecordedRequest[] = [];
  readonly issuedTokens: string[] = [];
  /** The org's queues, users, wrap-up codes, divisions, flows and presence definitions. */
  readonly directory: FakeDirectory = {
    queues: new Map(),
    users: new Map(),
    wrapupCodes: new Map(),
    divisions: new Map(),
    flows: new Map(),
    presenceDefinitions: new Map(),
  };
  /** Permissions the OAuth client lacks: calls that need one answer 403. */
  readonly missingPermissions = new Set<string>();
  /** Largest `pageSize` accepted by the listings. */
  maxPageSize = 500;
  readonly #tokens = new Map<string, number>();
  readonly #faults: Array<{ match: FaultMatch; fault: Fault; remaining: number }> = [];
  readonly #server = createServer((req, res) => void this.#handle(req, res));
  #listening: LoopbackServer | undefined;

  constructor(options: FakeGenesysOptions = {}) {
    this.clientId = options.clientId ?? 'fake-client-id-0001';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret-DO-NOT-PRINT-7f3a9c';
    this.orgId = options.orgId ?? '6f1d2c3b-4a59-4e8f-9d7c-1b2a3c4d5e6f';
    this.orgName = options.orgName ?? 'Fake Org';
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 86_400;
    this.topics = options.topics ?? DEFAULT_FAKE_TOPICS;
  }

  /** Base URL for both login and API, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return this.#listening?.url ?? '';
  }

  /** Write requests (POST/PUT/PATCH/DELETE under /api/v2) received, whatever their outcome. */
  get writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/v2/'));
  }

  /** API calls (not logins) whose path starts with `prefix`. */
  apiCalls(prefix = '/api/v2/'): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  /** Requests to the token endpoint. */
  get tokenRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/oauth/token');
  }

  async start(): Promise<this> {
    this.#listening = await listenOnLoopback(this.#server);
    return this;
  }

  async close(): Promise<void> {
    await this.#listening?.close();
  }

  /** Applies `fault` to the next `times` requests matching `match`. */
  fault(match: FaultMatch, fault: Fault, times = 1): this {
    this.#faults.push({ match, fault, remaining: times });
    return this;
  }

  /** Forgets every fault not yet used. */
  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Makes every issued token invalid (as if revoked). */
  revokeTokens(): void {
    this.#tokens.clear();
  }

  /** Forgets recorded requests. */
  resetLog(): void {
    this.requests.length = 0;
  }

  /** Adds an integration directly (test setup), returning it. */
  addIntegration(
    init: Partial<Omit<FakeIntegration, 'config'>> & { config?: Partial<FakeIntegration['config']> } = {},
  ): FakeIntegration {
    const name = init.name ?? 'existing';
    const integration: FakeIntegration = {
      id: init.id ?? randomUUID(),
      name,
      integrationType: init.integrationType ?? { id: EVENTBRIDGE_TYPE, name: 'Amazon EventBridge Source' },
      notes: init.notes ?? '',
      intendedState: init.intendedState ?? 'DISABLED',
      config: { name, version: 1, properties: {}, advanced: {}, notes: '', credentials: {}, ...init.config },
    };
    this.integrations.set(integration.id, integration);
    return integration;
  }

  /** The EventBridge integrations named `name`. */
  integrationsNamed(name: string): FakeIntegration[] {
    return [...this.integrations.values()].filter((i) => i.name === name && i.integrationType.id === EVENTBRIDGE_TYPE);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const rawBody = await readBody(req);
    const correlationId = randomUUID();
    const authHeader = req.headers.authorization ?? '';
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      queryAll: Object.fromEntries([...new Set(url.searchParams.keys())].map((k) => [k, url.searchParams.getAll(k)])),
      status: 0,
      auth: /^basic /i.test(authHeader) ? 'basic' : /^bearer /i.test(authHeader) ? 'bearer' : 'none',
    };
    if (rawBody !== '') record.body = tryJson(rawBody) ?? rawBody;
    this.requests.push(record);

    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'ININ-Correlation-Id': correlationId, ...headers });
      res.end(text);
    };
    const error = (
      status: number,
      code: string,
      message: string,
      extra: Record<string, unknown> = {},
      headers: Record<string, string> = {},
    ) => reply(status, { message, code, status, contextId: correlationId, details: [], errors: [], ...extra }, headers);

    const fault = this.#takeFault(record.method, record.path);
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'reset' && !fault.afterProcessing) return void req.socket.destroy();
    if (
      fault &&
      fault.kind !== 'delay' &&
      fault.kind !== 'reset' &&
      !(fault.kind === 'status' && fault.afterProcessing)
    ) {
      switch (fault.kind) {
        case 'status':
          if (fault.status === 429) {
            const after = fault.retryAfter ?? '1';
            return error(
              429,
              'too.many.requests.retry.after',
              `Rate limit exceeded the maximum. Retry the request in [${after}] seconds`,
              {},
              { 'Retry-After': after },
            );
          }
          return error(
            fault.status,
            fault.status === 503 ? 'service.unavailable' : 'internal.server.error',
            'The server encountered an unexpected error.',
          );
        case 'forbidden':
          return error(
            403,
            'missing.permissions',
            `Unable to perform the requested action. You are missing the following permission(s): [${fault.permission}]`,
            {
              messageWithParams:
                'Unable to perform the requested action. You are missing the following permission(s): {permissions}',
              messageParams: { permissions: `[${fault.permission}]` },
            },
          );
        case 'conflict': {
          const id = /^\/api\/v2\/integrations\/([^/]+)/.exec(record.path)?.[1];
          const target = id ? this.integrations.get(id) : undefined;
          if (target) target.config.version++;
          return error(
            409,
            'conflict',
            'The version supplied does not match the current version of the configuration.',
          );
        }
        case 'unauthorized':
          this.revokeTokens();
          return error(401, 'bad.credentials', 'Invalid login credentials.');
        case 'echo-auth':
          return error(400, 'bad.request', `Malformed request; received Authorization: ${authHeader}`);
      }
    }

    const answer = this.#serve(record, url, rawBody, authHeader);
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'status' && fault.afterProcessing) {
      return error(fault.status, 'internal.server.error', 'The server encountered an unexpected error.');
    }
    if (answer.error) return error(answer.status, answer.error.code, answer.error.message, {}, answer.headers);
    return reply(answer.status, answer.body, answer.headers);
  }

  #takeFault(method: string, path: string): Fault | undefined {
    const index = this.#faults.findIndex(
      ({ match }) =>
        (match.method === undefined || match.method === method) &&
        (match.path === undefined || (typeof match.path === 'string' ? match.path === path : match.path.test(path))),
    );
    if (index < 0) return undefined;
    const entry = this.#faults[index]!;
    if (--entry.remaining <= 0) this.#faults.splice(index, 1);
    return entry.fault;
  }

  #serve(record: RecordedRequest, url: URL, rawBody: string, authHeader: string): Answer {
    const { method, path } = record;
    if (path === '/oauth/token') return this.#token(method, rawBody, authHeader);
    if (!path.startsWith('/api/v2/')) return fail(404, 'not.found', `No resource at ${path}.`);
    const token = /^bearer (.+)$/i.exec(authHeader)?.[1];
    const expiresAt = token ? this.#tokens.get(token) : undefined;
    if (expiresAt === undefined || Date.now() >= expiresAt)
      return fail(401, 'bad.credentials', 'Invalid login credentials.');

    const body = record.body;
    if (method === 'GET' && path === '/api/v2/organizations/me') {
      return ok({
        id: this.orgId,
        name: this.orgName,
        domain: 'fakeorg',
        version: 1,
        state: 'active',
        defaultLanguage: 'en-us',
      });
    }
    if (method === 'GET' && path === '/api/v2/notifications/availabletopics') {
      const expand = (url.searchParams.getAll('expand').join(',') || '').split(',').map((s) => s.trim());
      return ok({
        entities: this.topics.map((t) => ({
          id: t.id,
          ...(expand.includes('description') && t.description ? { description: t.description } : {}),
          ...(expand.includes('transports') ? { transports: t.transports } : {}),
        })),
      });
    }
    if (method === 'GET') {
      const directory = this.#directoryRoute(path, url);
      if (directory) return directory;
    }
    if (path === '/api/v2/integrations') {
      if (method === 'GET') return this.#list(url);
      if (method === 'POST') return this.#create(body);
    }
    const item = /^\/api\/v2\/integrations\/([^/]+)(\/config\/current)?$/.exec(path);
    if (item) {
      const integration = this.integrations.get(decodeURIComponent(item[1]!));
      if (!integration) return fail(404, 'not.found', `Integration ${item[1]} not found.`);
      if (item[2]) {
        if (method === 'GET') return ok(integration.config);
        if (method === 'PUT') return this.#putConfig(integration, body);
      } else {
        if (method === 'GET') return ok(this.#view(integration));
        if (method === 'PATCH') return this.#patch(integration, body);
      }
    }
    return fail(404, 'not.found', `No route for ${method} ${path}.`);
  }

  #token(method: string, rawBody: string, authHeader: string): Answer {
    if (method !== 'POST') return { status: 405, body: { error: 'invalid_request' } };
    const basic = /^basic (.+)$/i.exec(authHeader)?.[1];
    const decoded = basic ? Buffer.from(basic, 'base64').toString('utf8') : '';
    if (decoded !== `${this.clientId}:${this.clientSecret}`) {
      return {
        status: 401,
        body: { error: 'invalid_client', description: 'client not found', error_description: 'client not found' },
      };
    }
    if (new URLSearchParams(rawBody).get('grant_type') !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', description: 'grant type not supported' } };
    }
    const token = `fake-token-${randomUUID()}`;
    this.#tokens.set(token, Date.now() + this.tokenLifetimeSeconds * 1000);
    this.issuedTokens.push(token);
    return ok({ access_token: token, token_type: 'bearer', expires_in: this.tokenLifetimeSeconds });
  }

  #list(url: URL): Answer {
    return this.#page('/api/v2/integrations', url, [...this.integrations.values()], (i) => this.#view(i));
  }

  /** One page of `all` as Genesys pages a listing (`pageSize`, `pageNumber` → `entities`, `pageCount`, URIs). */
  #page<T>(path: string, url: URL, all: T[], view: (item: T) => unknown, defaultPageSize = 25): Answer {
    const pageSize = url.searchParams.has('pageSize') ? Number(url.searchParams.get('pageSize')) : defaultPageSize;
    const pageNumber = url.searchParams.has('pageNumber') ? Number(url.searchParams.get('pageNumber')) : 1;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > this.maxPageSize)
      return fail(400, 'bad.request', `pageSize must be between 1 and ${this.maxPageSize}.`);
    if (!Number.isInteger(pageNumber) || pageNumber < 1)
      return fail(400, 'bad.request', 'pageNumber must be 1 or more.');
    const pageCount = Math.ceil(all.length / pageSize);
    const extra = [...url.searchParams].filter(([k]) => k !== 'pageSize' && k !== 'pageNumber');
    const uri = (n: number) =>
      `${path}?${new URLSearchParams([...extra, ['pageSize', String(pageSize)], ['pageNumber', String(n)]]).toString()}`;
    return ok({
      entities: all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(view),
      pageSize,
      pageNumber,
      total: all.length,
      pageCount,
      firstUri: uri(1),
      selfUri: uri(pageNumber),
      ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
      lastUri: uri(Math.max(1, pageCount)),
    });
  }

  /** The directory's listings; `undefined` for other paths. */
  #directoryRoute(path: string, url: URL): Answer | undefined {
    const d = this.directory;
    const routes: Record<
      string,
      { items: Map<string, FakeDirectoryObject>; permission?: string; filter?: (o: FakeDirectoryObject) => boolean }
    > = {
      '/api/v2/routing/queues': { items: d.queues, permission: 'routing:queue:view' },
      '/api/v2/users': { items: d.users, filter: this.#userState(url) },
      '/api/v2/routing/wrapupcodes': { items: d.wrapupCodes, permission: 'routing:wrapupCode:view' },
      '/api/v2/authorization/divisions': { items: d.divisions },
      '/api/v2/flows': { items: d.flows, permission: 'architect:flow:view' },
      '/api/v2/flows/lookup': { items: d.flows, permission: 'architect:flow:view' },
    };
    if (path === '/api/v2/presence/definitions') {
      const denied = this.#deny('presence:presenceDefinition:view');
      if (denied) return denied;
      const deactivated = (url.searchParams.get('deactivated') ?? 'false').toLowerCase() === 'true';
      const entities = [...d.presenceDefinitions.values()]
        .filter((p) => (p.deactivated ?? false) === deactivated)
        .map((p) => this.#directoryView(p, path));
      return ok({ total: entities.length, entities, selfUri: path });
    }
    const route = routes[path];
    if (!route) return undefined;
    if (route.permission) {
      const denied = this.#deny(route.permission);
      if (denied) return denied;
    }
    const ids = url.searchParams.getAll('id');
    if (path === '/api/v2/flows/lookup' && ids.length === 0) return fail(400, 'bad.request', 'id is required.');
    let items = [...route.items.values()];
    if (ids.length) items = items.filter((o) => ids.includes(o.id));
    if (route.filter) items = items.filter(route.filter);
    items.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return this.#page(path, url, items, (o) => this.#directoryView(o, path));
  }

  #userState(url: URL): (o: FakeDirectoryObject) => boolean {
    const state = url.searchParams.get('state') ?? 'active';
    return (o) => state === 'any' || (o.state ?? 'active') === state;
  }

  #deny(permission: string): Answer | undefined {
    return this.missingPermissions.has(permission)
      ? {
          status: 403,
          error: {
            code: 'missing.permissions',
            message: `Unable to perform the requested action. You are missing the following permission(s): [${permission}]`,
          },
        }
      : undefined;
  }

  #directoryView(o: FakeDirectoryObject, path: string): Record<string, unknown> {
    const division = o.divisionId
      ? {
          id: o.divisionId,
          name: this.directory.divisions.get(o.divisionId)?.name ?? 'Home',
          selfUri: `/api/v2/authorization/divisions/${o.divisionId}`,
        }
      : undefined;
    if (path.startsWith('/api/v2/presence/'))
      return {
        id: o.id,
        ...(o.name ? { name: o.name } : {}),
        type: 'System',
        languageLabels: o.languageLabels ?? { en_US: o.name },
        systemPresence: o.systemPresence,
        ...(o.divisionId ? { divisionId: o.divisionId } : {}),
        deactivated: o.deactivated ?? false,
        selfUri: `/api/v2/presence/definitions/${o.id}`,
      };
    if (path === '/api/v2/users')
      return {
        id: o.id,
        name: o.name,
        division,
        email: o.email,
        state: o.state ?? 'active',
        version: 1,
        selfUri: `/api/v2/users/${o.id}`,
      };
    if (path === '/api/v2/authorization/divisions')
      return {
        id: o.id,
        name: o.name,
        description: '',
        homeDivision: o.homeDivision ?? false,
        selfUri: `/api/v2/authorization/divisions/${o.id}`,
      };
    if (path.startsWith('/api/v2/flows'))
      return {
        id: o.id,
        name: o.name,
        division,
        type: o.type ?? 'INBOUNDCALL',
        active: true,
        system: false,
        deleted: false,
        selfUri: `/api/v2/flows/${o.id}`,
      };
    return { id: o.id, name: o.name, division, dateModified: new Date().toISOString(), selfUri: `${path}/${o.id}` };
  }

  #create(body: unknown): Answer {
    if (!isObject(body)) return fail(400, 'bad.request', 'The request body must be a JSON object.');
    const unknown = Object.keys(body).filter((k) => k !== 'name' && k !== 'integrationType');
    if (unknown.length) return fail(400, 'bad.request', `Unrecognized field(s): ${unknown.join(', ')}.`);
    if (typeof body.name !== 'string' || body.name.trim() === '') return fail(400, 'bad.request', 'name is required.');
    const type = isObject(body.integrationType) ? body.integrationType.id : undefined;
    if (type !== EVENTBRIDGE_TYPE) return fail(400, 'bad.request', `Invalid integration type "${String(type)}".`);
    return ok(this.#view(this.addIntegration({ name: body.name })));
  }

  #putConfig(integration: FakeIntegration, body: unknown): Answer {
    if (!isObject(body)) return fail(400, 'bad.request', 'The request body must be a JSON object.');
    const unknown = Object.keys(body).filter((k) => !CONFIG_KEYS.has(k));
    if (unknown.length) return fail(400, 'bad.request', `Unrecognized field(s): ${unknown.join(', ')}.`);
    if (typeof body.version !== 'number') return fail(400, 'bad.request', 'version is required.');
    if (body.version !== integration.config.version) {
      return fail(
        409,
        'conflict',
        `The version supplied (${body.version}) does not match the current version (${integration.config.version}).`,
      );
    }
    if (typeof body.name !== 'string' || body.name === '') return fail(400, 'bad.request', 'name is required.');
    if (!isObject(body.properties)) return fail(400, 'bad.request', 'properties must be an object.');
    for (const key of ['advanced', 'credentials'] as const) {
      if (body[key] !== undefined && !isObject(body[key])) return fail(400, 'bad.request', `${key} must be an object.`);
    }
    const properties = body.properties;
    const badKeys = Object.keys(properties).filter((k) => !PROPERTY_KEYS.has(k));
    if (badKeys.length) return fail(400, 'bad.request', `Unknown property name(s): ${badKeys.join(', ')}.`);
    const problem = this.#checkProperties(properties);
    if (problem) return fail(400, 'bad.request', problem);
    integration.config = {
      name: body.name,
      version: integration.config.version + 1,
      properties: structuredClone(properties),
      advanced: (body.advanced as Record<string, unknown> | undefined) ?? {},
      notes: typeof body.notes === 'string' ? body.notes : '',
      credentials: (body.credentials as Record<string, unknown> | undefined) ?? {},
    };
    integration.name = body.name;
    return ok(integration.config);
  }

  #checkProperties(p: Record<string, unknown>): string | undefined {
    if (p.awsAccountId !== undefined && (typeof p.awsAccountId !== 'string' || !/^\d{12}$/.test(p.awsAccountId)))
      return 'awsAccountId must be 12 digits.';
    if (
      p.awsAccountRegion !== undefined &&
      (typeof p.awsAccountRegion !== 'string' || !/^[a-z]{2,4}(-[a-z]+)+-\d$/.test(p.awsAccountRegion))
    ) {
      return 'awsAccountRegion must be an AWS region such as us-east-1.';
    }
    if (
      p.eventSourceSuffix !== undefined &&
      (typeof p.eventSourceSuffix !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(p.eventSourceSuffix))
    ) {
      return 'eventSourceSuffix must be up to 64 letters, digits, ".", "-" or "_".';
    }
    if (p.eventFilter !== undefined) {
      if (!Array.isArray(p.eventFilter) || p.eventFilter.some((t) => typeof t !== 'string'))
        return 'eventFilter must be a list of topic names.';
      const allowed = new Set(
        this.topics.filter((t) => t.transports.some((x) => /^(eventbridge|all)$/i.test(x))).map((t) => t.id),
      );
      const bad = (p.eventFilter as string[]).filter((t) => !allowed.has(t));
      if (bad.length) return `Topic(s) not available to EventBridge: ${bad.join(', ')}.`;
    }
    return undefined;
  }

  #patch(integration: FakeIntegration, body: unknown): Answer {
    if (!isObject(body)) return fail(400, 'bad.request', 'The request body must be a JSON object.');
    const unknown = Object.keys(body).filter((k) => k !== 'intendedState');
    if (unknown.length) return fail(400, 'bad.request', `Unrecognized field(s): ${unknown.join(', ')}.`);
    if (body.intendedState !== 'ENABLED' && body.intendedState !== 'DISABLED')
      return fail(400, 'bad.request', 'intendedState must be ENABLED or DISABLED.');
    integration.intendedState = body.intendedState;
    return ok(this.#view(integration));
  }

  #view(i: FakeIntegration): Record<string, unknown> {
    const p = i.config.properties;
    const complete =
      ['awsAccountId', 'awsAccountRegion', 'eventSourceSuffix'].every((k) => typeof p[k] === 'string') &&
      Array.isArray(p.eventFilter);
    const reportedState =
      i.intendedState === 'ENABLED'
        ? complete
          ? { code: 'ACTIVE', effective: 'Active', lastUpdated: new Date().toISOString() }
          : {
              code: 'ERROR',
              effective: 'Error',
              detail: { message: 'The configuration is incomplete.' },
              lastUpdated: new Date().toISOString(),
            }
        : { code: 'INACTIVE', effective: 'Inactive', lastUpdated: new Date().toISOString() };
    return {
      id: i.id,
      name: i.name,
      integrationType: i.integrationType,
      notes: i.notes,
      intendedState: i.intendedState,
      reportedState,
      selfUri: `/api/v2/integrations/${i.id}`,
    };
  }
}

interface Answer {
  status: number;
  body?: unknown;
  error?: { code: string; message: string };
  headers?: Record<string, string>;
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function fail(status: number, code: string, message: string): Answer {
  return { status, error: { code, message } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Starts a fake on 127.0.0.1 (random port). Close it with `close()`. */
export async function startFakeGenesys(options: FakeGenesysOptions = {}): Promise<FakeGenesys> {
  return new FakeGenesys(options).start();
}
